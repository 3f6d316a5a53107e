// The two third-party ASL validators, behind one call each. Both mutate or parse their input, so
// they get their own copy.
import { getLanguageService, TextDocument } from "amazon-states-language-service";
import { knownValid, rememberValid } from "../../local/sfn/engine/valid-definitions";
// asl-validator ships no type declarations.
const aslValidator: (
    definition: unknown,
    options?: Record<string, unknown>,
) => { isValid: boolean; errorsText(separator?: string): string } = require("asl-validator");

export function aslValidatorErrors(definition: unknown): string[] {
    // Acceptances are remembered per lockfile, as the engine's are (its validator is another copy).
    const key = `asl-validator ${JSON.stringify(definition)}`;
    if (knownValid(key)) return [];
    const result = aslValidator(JSON.parse(JSON.stringify(definition)), { checkPaths: true, checkArn: true });
    if (result.isValid) rememberValid(key);
    return result.isValid ? [] : [result.errorsText("\n")];
}

export async function languageServiceErrors(definition: unknown): Promise<string[]> {
    const service = getLanguageService({});
    const document = TextDocument.create("file:///definition.asl.json", "json", 1, JSON.stringify(definition, null, 2));
    const diagnostics = await service.doValidation(document, service.parseJSONDocument(document));
    return diagnostics.map(d => `${d.message} (line ${d.range.start.line + 1})`);
}

/** Both validators' complaints, empty when both accept the definition. */
export async function thirdPartyAslErrors(definition: unknown): Promise<string[]> {
    return [...aslValidatorErrors(definition), ...(await languageServiceErrors(definition))];
}
