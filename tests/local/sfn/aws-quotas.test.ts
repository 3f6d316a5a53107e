// Two of AWS's Step Functions quotas the local engine keeps: an inline Map runs at most 40
// iterations at once, and an execution's history holds at most 25,000 events.
import { strict as assert } from "assert";
import { LocalStepFunctions, HistoryEvent } from "../../../local/sfn/engine";
import { delay, FakeScheduler, fakeLambda, TRIGGER_ARN } from "./test-doubles";

type LambdaDouble = ReturnType<typeof fakeLambda>;

const engines: LocalStepFunctions[] = [];

function newEngine(invokeLambda: LambdaDouble = fakeLambda()): LocalStepFunctions {
    const engine = new LocalStepFunctions({ scheduler: new FakeScheduler(), invokeLambda });
    engines.push(engine);
    return engine;
}

function allEvents(engine: LocalStepFunctions, executionArn: string): HistoryEvent[] {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
        const page = engine.getExecutionHistory(executionArn, { maxResults: 1000, nextToken });
        events.push(...page.events);
        nextToken = page.nextToken;
    } while (nextToken);
    return events;
}

/**
 * A Lambda double that takes a few milliseconds and counts how many of its calls overlap: the
 * iterations running at once, as each iteration is that one Task. (Not counted from the history:
 * the library forwards an iteration's last events to it after the next iteration has started.)
 */
function countingLambda(): { lambda: LambdaDouble; peak: () => number } {
    let running = 0;
    let peak = 0;
    const lambda = fakeLambda(async call => {
        peak = Math.max(peak, ++running);
        await delay(5);
        running--;
        return { ok: true, result: { item: call.payload } };
    });
    return { lambda, peak: () => peak };
}

function mapOverTask(maxConcurrency?: number): object {
    return {
        StartAt: "each",
        States: {
            each: {
                Type: "Map",
                ItemsPath: "$.items",
                ...(maxConcurrency === undefined ? {} : { MaxConcurrency: maxConcurrency }),
                ItemProcessor: {
                    StartAt: "work",
                    States: { work: { Type: "Task", Resource: TRIGGER_ARN, End: true } },
                },
                End: true,
            },
        },
    };
}

async function runMap(maxConcurrency: number | undefined, items = 100) {
    const { lambda, peak } = countingLambda();
    const engine = newEngine(lambda);
    const { stateMachineArn } = engine.createStateMachine({ name: "map", definition: mapOverTask(maxConcurrency) });
    const input = JSON.stringify({ items: Array.from({ length: items }, (_, i) => i) });
    const { executionArn } = engine.startExecution({ stateMachineArn, input });
    const description = await engine.waitForExecution(executionArn);
    assert.equal(description.status, "SUCCEEDED");
    assert.equal(JSON.parse(description.output!).length, items, "every item's output is there");
    assert.equal(lambda.calls.length, items);
    return peak();
}

/**
 * A loop of Pass and Choice states: 4 events per turn, ExecutionStarted before and
 * SucceedStateEntered, SucceedStateExited and ExecutionSucceeded after, so 4 * turns + 4 events.
 */
function loop(turns: number): any {
    return {
        StartAt: "count",
        States: {
            count: { Type: "Pass", Parameters: { "n.$": "States.MathAdd($.n, 1)" }, Next: "again" },
            again: {
                Type: "Choice",
                Choices: [{ Variable: "$.n", NumericLessThan: turns, Next: "count" }],
                Default: "done",
            },
            done: { Type: "Succeed" },
        },
    };
}

async function runLoop(turns: number) {
    const engine = newEngine();
    const { stateMachineArn } = engine.createStateMachine({ name: "loop", definition: loop(turns) });
    const { executionArn } = engine.startExecution({ stateMachineArn, input: '{"n":0}' });
    const description = await engine.waitForExecution(executionArn);
    return { description, events: allEvents(engine, executionArn) };
}

describe("local engine: AWS's quotas", function () {
    this.timeout(20_000);

    afterEach(async () => {
        await Promise.all(engines.splice(0).map(e => e.close()));
    });

    describe("an inline Map runs at most 40 iterations at once", () => {
        it("with MaxConcurrency absent (AWS: as many as possible, up to 40)", async () => {
            assert.equal(await runMap(undefined), 40);
        });

        it("with MaxConcurrency 0 (no limit of its own)", async () => {
            assert.equal(await runMap(0), 40);
        });

        it("with MaxConcurrency above 40", async () => {
            assert.equal(await runMap(100), 40);
        });

        it("and keeps a MaxConcurrency below 40", async () => {
            assert.equal(await runMap(7, 30), 7);
        });
    });

    describe("an execution's history holds at most 25,000 events", () => {
        it("ends with ExecutionSucceeded as event 25,000", async () => {
            const { description, events } = await runLoop(6249);
            assert.equal(description.status, "SUCCEEDED");
            assert.equal(events.length, 25_000);
            assert.equal(events[24_999].type, "ExecutionSucceeded");
        });

        it("fails with States.Runtime when event 25,000 would be anything else", async () => {
            const { description, events } = await runLoop(6250);
            assert.equal(description.status, "FAILED");
            assert.equal(description.error, "States.Runtime");
            assert.equal(description.cause, "The execution reached the maximum number of history events (25000).");
            assert.equal(events.length, 25_000);
            const last = events[24_999];
            assert.equal(last.type, "ExecutionFailed");
            assert.equal(last.id, 25_000);
            assert.deepEqual(last.executionFailedEventDetails, {
                error: "States.Runtime",
                cause: "The execution reached the maximum number of history events (25000).",
            });
            // 24,997 events after 6,249 turns; the 6,250th turn's ChoiceStateEntered would have been event 25,000.
            assert.deepEqual(
                events.slice(-3).map(e => e.type),
                ["PassStateEntered", "PassStateExited", "ExecutionFailed"],
            );
        });

        it("stops what the execution runs when it fails at the cap", async () => {
            // A loop that keeps an activity task open: the task is cancelled when the history is full.
            const scheduler = new FakeScheduler(() => undefined);
            const engine = new LocalStepFunctions({ scheduler, invokeLambda: fakeLambda() });
            engines.push(engine);
            const definition = {
                StartAt: "fan",
                States: {
                    fan: {
                        Type: "Parallel",
                        Branches: [
                            loop(1_000_000) as any,
                            {
                                StartAt: "wait-for-worker",
                                States: {
                                    "wait-for-worker": {
                                        Type: "Task",
                                        Resource: "arn:aws:states:us-east-1:000000000000:activity:never",
                                        End: true,
                                    },
                                },
                            },
                        ],
                        End: true,
                    },
                },
            };
            const { stateMachineArn } = engine.createStateMachine({ name: "fan", definition });
            const { executionArn } = engine.startExecution({ stateMachineArn, input: '{"n":0}' });
            const description = await engine.waitForExecution(executionArn);
            assert.equal(description.status, "FAILED");
            assert.equal(description.error, "States.Runtime");
            assert.equal(allEvents(engine, executionArn).length, 25_000);
            assert.equal(scheduler.tasks.length, 1);
            assert.ok(scheduler.tasks[0].cancelReason, "the open activity task was cancelled");
        });
    });
});
