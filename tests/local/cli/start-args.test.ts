// npm start's command line, and the guard that keeps its standard output for its result.
import * as assert from "assert";
import { parseStartArgs, UsageError } from "../../../local/cli/start";
import { TS_REGISTER } from "../../helpers/dev-stack";

describe("npm start arguments", () => {
    it("defaults to the dev stack of this project with {} as input", () => {
        const o = parseStartArgs([]);
        assert.strictEqual(o.stack, "dev");
        assert.strictEqual(o.input, "{}");
        assert.strictEqual(o.port, 0);
        assert.strictEqual(o.json, false);
    });

    it("says what is wrong with bad usage", () => {
        assert.throws(
            () => parseStartArgs(["--input", "{"]),
            (e: Error) => e instanceof UsageError && /--input is not valid JSON/.test(e.message),
        );
        assert.throws(() => parseStartArgs(["--port", "70000"]), /--port must be a whole number from 0 to 65534/);
        assert.throws(() => parseStartArgs(["--serve", "--json"]), /do not go together/);
        assert.throws(() => parseStartArgs(["extra"]), UsageError);
        assert.throws(() => parseStartArgs(["--input", "[1]"]), /--input must be a JSON object/);
        assert.throws(() => parseStartArgs(["--frobnicate"]), /Unknown option '--frobnicate'/);
        assert.throws(() => parseStartArgs(["--fargate-timing", "fast"]), /must be realistic or off/);
        assert.throws(() => parseStartArgs(["--fargate-seed", "3"]), /need --fargate-timing realistic/);
        const realistic = ["--fargate-timing", "realistic"];
        assert.throws(() => parseStartArgs([...realistic, "--spot-interruptions", "2"]), /probability from 0 to 1/);
        assert.throws(() => parseStartArgs([...realistic, "--fargate-time-scale", "0"]), /above 0/);
    });

    it("reads repeated --config key=value pairs", () => {
        assert.deepStrictEqual(parseStartArgs([]).config, {});
        assert.deepStrictEqual(
            parseStartArgs(["--config", "architecture=ARM64", "--config", "aws:region=eu-west-1"]).config,
            { architecture: "ARM64", "aws:region": "eu-west-1" },
        );
        assert.throws(() => parseStartArgs(["--config", "architecture"]), /--config takes key=value/);
    });

    it("reads the Fargate timing model's options; it is off by default", () => {
        assert.strictEqual(parseStartArgs([]).fargateTiming, undefined);
        assert.deepStrictEqual(
            parseStartArgs([
                "--fargate-timing",
                "realistic",
                "--fargate-seed",
                "9",
                "--fargate-time-scale",
                "0.1",
                "--spot-interruptions",
                "0.5",
            ]).fargateTiming,
            { seed: 9, timeScale: 0.1, spotInterruptionProbability: 0.5 },
        );
    });
});

describe("CLI standard output guard", () => {
    it("sends everything but the CLI's own result to standard error", () => {
        const { spawnSync } = require("child_process") as typeof import("child_process");
        const script = `const { holdStdout } = require(${JSON.stringify(require.resolve("../../../local/cli/stdout"))});
const out = holdStdout(); console.log("a program's own print"); process.stdout.write("a library's write\\n"); out.exit(0, "RESULT\\n");`;
        const run = spawnSync(process.execPath, ["-r", TS_REGISTER, "-e", script], {
            encoding: "utf8",
            cwd: require("path").resolve(__dirname, "..", "..", ".."),
        });
        assert.strictEqual(run.status, 0, run.stderr);
        assert.strictEqual(run.stdout, "RESULT\n");
        assert.match(run.stderr, /a program's own print\na library's write/);
    });
});
