// A warm execution environment serves invocation after invocation for as long as the runtime
// runs (a --serve session): it must keep nothing per invocation. Each invocation used to leave a
// reaction on the process's exit promise (with its timer and result) until the process ended.
import * as assert from "assert";
import * as v8 from "v8";
import * as vm from "vm";
import { createLambdaRunner } from "../../../local/lambda/runner";

describe("Lambda runner: a warm environment's memory", function () {
    this.timeout(120_000);

    it("3,000 warm invocations grow the heap by less than 1 MiB", async () => {
        v8.setFlagsFromString("--expose_gc");
        const gc = vm.runInNewContext("gc") as () => void;
        const runner = createLambdaRunner({ output: () => undefined });
        const fn = { functionName: "echo", code: "exports.handler = async e => e;" };
        try {
            for (let i = 0; i < 200; i++) await runner.invoke(fn, i);
            gc();
            gc();
            const before = process.memoryUsage().heapUsed;
            for (let i = 0; i < 3000; i++) await runner.invoke(fn, { i, pad: "x".repeat(100) });
            gc();
            gc();
            const grownKiB = (process.memoryUsage().heapUsed - before) / 1024;
            assert.ok(grownKiB < 1024, `the heap grew by ${grownKiB.toFixed(0)} KiB`);
        } finally {
            await runner.close();
        }
    });
});
