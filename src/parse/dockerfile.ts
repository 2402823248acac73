import { DockerfileParser } from 'dockerfile-ast';
import type { DockerInstruction } from '../model/parsed-file.ts';

/**
 * A Dockerfile as a list of instructions, parsed by dockerfile-ast (the parser behind the
 * Dockerfile language server): line continuations joined, comments and parser directives out,
 * heredocs kept in the arguments. Lines are 1-based.
 */
export function parseDockerfile(text: string): DockerInstruction[] {
  const dockerfile = DockerfileParser.parse(text);
  const fromLines = dockerfile.getFROMs().map((from) => from.getRange().start.line);
  return dockerfile.getInstructions().map((instruction) => {
    const range = instruction.getRange();
    return {
      keyword: instruction.getKeyword().toUpperCase(),
      args: instruction.getArguments().map((a) => a.getValue()),
      text: instruction.getTextContent(),
      startLine: range.start.line + 1,
      endLine: range.end.line + 1,
      stage: fromLines.filter((line) => line <= range.start.line).length - 1,
    };
  });
}
