// Every way of ending `npm start -- --serve` through npm leaves nothing behind: SIGTERM, SIGINT and
// SIGHUP sent to npm, and npm killed outright (the runtime's watchdog sees its parent gone). The
// signals sent to the runtime itself are in stop-signals-runtime.test.ts: the two files run side by
// side. Each case: tests/helpers/stop-signal-cases.ts.
import { endsCleanlyOn } from "../helpers/stop-signal-cases";

describe("npm start --serve ends everything it started, however npm is ended", function () {
    this.timeout(120_000);
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) endsCleanlyOn(signal, "npm");
    endsCleanlyOn("SIGKILL", "npm"); // the parent dies without a word: the watchdog's case
});
