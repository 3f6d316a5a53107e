// Every signal that ends the runtime of `npm start -- --serve` (SIGTERM, SIGINT, SIGHUP sent to it,
// not to npm) leaves nothing behind. Each case: tests/helpers/stop-signal-cases.ts.
import { endsCleanlyOn } from "../helpers/stop-signal-cases";

describe("npm start --serve ends everything it started, however its runtime is ended", function () {
    this.timeout(120_000);
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) endsCleanlyOn(signal, "runtime");
});
