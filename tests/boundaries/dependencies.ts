// Every module a source file depends on, in every form TypeScript and Node accept: `import`,
// `import type`, `export … from`, `import x = require()`, `require()`, `require.resolve()`, dynamic
// `import()` and type-level `import("…")` (as in `typeof import("…")`). Read from the syntax tree, so
// comments and strings that merely mention a path are not dependencies.
import * as ts from "typescript";

export function dependenciesOf(fileName: string, text: string): string[] {
    const kind = fileName.endsWith(".js") || fileName.endsWith(".mjs") ? ts.ScriptKind.JS : ts.ScriptKind.TS;
    const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
    const found: string[] = [];
    const literal = (node: ts.Node | undefined) => {
        if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) found.push(node.text);
    };
    const visit = (node: ts.Node): void => {
        if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
        else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
            literal(node.moduleReference.expression);
        } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
        else if (ts.isCallExpression(node) && isRequireOrImport(node.expression)) literal(node.arguments[0]);
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

function isRequireOrImport(callee: ts.Expression): boolean {
    if (callee.kind === ts.SyntaxKind.ImportKeyword) return true;
    if (ts.isIdentifier(callee)) return callee.text === "require";
    return (
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === "require" &&
        callee.name.text === "resolve"
    );
}
