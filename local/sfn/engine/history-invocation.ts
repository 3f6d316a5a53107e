// One call of a Task handler as the history sees it (see the note on ordering in ./history.ts):
// its events wait until the library event that caused the call has been appended, then follow it.
import type { HistoryEventType } from "@aws-sdk/client-sfn";
import type { Details, ExecutionHistory } from "./history";

/** One call of a Task handler: its events, anchored after the library event that caused it. */
export class Invocation {
    private static counter = 0;
    /** Creation order, for the final flush. */
    readonly seq = ++Invocation.counter;
    private anchored = false;
    private lastId = 0;
    /** The frame of the Task state this call belongs to (see ./event-sources.ts). */
    private frame = "";
    private readonly buffer: { type: HistoryEventType; details: Details; at: number }[] = [];

    constructor(
        private readonly history: ExecutionHistory,
        readonly stateName: string,
    ) {}

    record(type: HistoryEventType, details: Details = {}): void {
        if (this.history.sealed || this.history.full) return;
        if (!this.anchored) {
            this.buffer.push({ type, details, at: Date.now() });
            return;
        }
        this.lastId = this.history.appendInFrame(this.frame, type, details, Date.now(), this.lastId).id!;
    }

    /** Id of this invocation's latest event (its anchor before it has any). */
    get lastEventId(): number {
        return this.lastId;
    }

    /** @internal */
    anchor(anchorId: number, frame = ""): void {
        if (this.anchored) return;
        this.anchored = true;
        this.lastId = anchorId;
        this.frame = frame;
        for (const { type, details, at } of this.buffer.splice(0)) {
            this.lastId = this.history.appendInFrame(frame, type, details, at, this.lastId).id!;
        }
    }
}
