// EventBridge event patterns, as the local runtime matches ECS events to rules.
import * as assert from "assert";
import { matchesEventPattern } from "../../../local/events/event-pattern";

describe("EventBridge patterns (local)", () => {
    const pattern = {
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: {
            lastStatus: ["STOPPED"],
            taskDefinitionArn: [{ prefix: "arn:aws:ecs:us-east-1:0:task-definition/fam:" }],
        },
    };
    const event = (lastStatus: string, td = "arn:aws:ecs:us-east-1:0:task-definition/fam:3") => ({
        source: "aws.ecs",
        "detail-type": "ECS Task State Change",
        detail: { lastStatus, taskDefinitionArn: td },
    });

    it("matches exact values and prefixes, nested", () => {
        assert.strictEqual(matchesEventPattern(pattern, event("STOPPED")), true);
        assert.strictEqual(matchesEventPattern(pattern, event("RUNNING")), false);
        assert.strictEqual(
            matchesEventPattern(pattern, event("STOPPED", "arn:aws:ecs:us-east-1:0:task-definition/family-two:1")),
            false,
        );
        assert.strictEqual(
            matchesEventPattern({ resources: ["b"] }, { resources: ["a", "b"] }),
            true,
            "any element of an array",
        );
    });

    it("refuses operators it does not implement rather than guessing", () => {
        assert.throws(
            () => matchesEventPattern({ detail: { n: [{ numeric: [">", 1] }] } }, { detail: { n: 2 } }),
            /not supported locally/,
        );
    });
});
