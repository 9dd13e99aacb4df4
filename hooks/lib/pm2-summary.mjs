// Reads `pm2 jlist` on stdin and prints one status line for the named app; never prints env values.
// Exits 1 on input that is not pm2's list, so "pm2 did not answer" never reads as "no processes".
const name = process.argv[2]
let text = ''
for await (const chunk of process.stdin) text += chunk
// jlist prints its list as one JSON line, possibly after "[PM2] ..." notices.
const parsed = text
  .split('\n')
  .reverse()
  .filter((l) => l.startsWith('['))
  .map((l) => {
    try {
      return JSON.parse(l)
    } catch {
      return undefined
    }
  })
const list = parsed.find(Array.isArray)
if (!list) {
  // Not even a prefix of the text: a truncated list would carry env values.
  process.stderr.write(`pm2-summary: pm2 jlist gave no process list (${text.length} bytes)\n`)
  process.exit(1)
}
const mine = list.filter((p) => p.name === name)
const count = (s) => mine.filter((p) => p.pm2_env?.status === s).length
const restarts = mine.reduce((n, p) => n + (p.pm2_env?.restart_time ?? 0) + (p.pm2_env?.unstable_restarts ?? 0), 0)
console.log(`online=${count('online')} total=${mine.length} restarts=${restarts} errored=${count('errored')}`)
