// Mocha root hook for `npm test`: install the packed library into the example projects once per
// run, before their tests and the tests about them (see scripts/install-library.ts).
import { installLibraryIntoExamples } from "../../scripts/install-library";

export const mochaHooks = {
    beforeAll(this: Mocha.Context) {
        this.timeout(180_000);
        installLibraryIntoExamples(line => process.stderr.write(`${line}\n`));
    },
};
