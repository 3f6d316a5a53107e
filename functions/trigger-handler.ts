// The trigger Lambda's entry point, serialized by CallbackFunction into `__index.js`. It requires
// the SDK inside its body: the Node.js runtime provides SDK v3, and a module-scope import would
// break serialization. In the published library this module is one esbuild bundle, so that the
// serializer copies it by value instead of emitting a require of a path under node_modules.
import { EcsRunTask, readTriggerConfig, triggerTask, TriggerResult } from "./trigger";

export async function triggerHandler(event: unknown): Promise<TriggerResult> {
    const g = globalThis as { __triggerEcs?: EcsRunTask };
    if (!g.__triggerEcs) {
        const { ECSClient, RunTaskCommand, DescribeTasksCommand, StopTaskCommand } = require("@aws-sdk/client-ecs");
        const client = new ECSClient({});
        // One client per container, reused by warm invocations.
        g.__triggerEcs = {
            runTask: request => client.send(new RunTaskCommand(request)),
            describeTasks: (request, options) => client.send(new DescribeTasksCommand(request), options),
            stopTask: (request, options) => client.send(new StopTaskCommand(request), options),
        };
    }
    return triggerTask(g.__triggerEcs, readTriggerConfig(process.env), event);
}
