// What a failed test file's output says went wrong, in a few lines, for the end of a run (pure). A CI log is often
// read from its two ends only; a file's whole output, printed where it finished, can push its assertion out of
// sight behind what the suite logged, so the reasons are said again just above the closing count.

/** A stack frame of uvu's, node's own or a dependency's: never where a test went wrong. */
const foreignFrame = (line: string) => /^\s+at .*(node_modules|node:internal|\(node:)/.test(line)

/**
 * uvu's FAIL blocks (the test's name, the message, the diff and the frames outside uvu, node and packages), each cut to
 * `blockLines`; or, when the file died before uvu reported (a crash, a timeout), the last `tailLines` lines it printed.
 */
export function failureSummary(output: string, blockLines = 14, tailLines = 12): string[] {
  const lines = output.split('\n')
  const blocks: string[][] = []
  for (const line of lines) {
    if (/^\s*FAIL\s/.test(line)) blocks.push([line.trim()])
    else if (/^\s*Total:\s/.test(line)) break
    else if (blocks.length && line.trim() && !foreignFrame(line)) blocks.at(-1)!.push(line.trimEnd())
  }
  if (blocks.length) return blocks.flatMap((b) => (b.length > blockLines ? [...b.slice(0, blockLines), '…'] : b))
  return lines.filter((l) => l.trim()).slice(-tailLines)
}
