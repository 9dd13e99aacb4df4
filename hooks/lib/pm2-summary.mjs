// Reads `pm2 jlist` on stdin and prints one status line for the named app; never prints env values.
const name = process.argv[2]
let text = ''
for await (const chunk of process.stdin) text += chunk
let list = []
try { list = JSON.parse(text.slice(text.indexOf('['))) } catch { list = [] }
const mine = list.filter((p) => p.name === name)
const count = (s) => mine.filter((p) => p.pm2_env?.status === s).length
const restarts = mine.reduce((n, p) => n + (p.pm2_env?.restart_time ?? 0) + (p.pm2_env?.unstable_restarts ?? 0), 0)
console.log(`online=${count('online')} total=${mine.length} restarts=${restarts} errored=${count('errored')}`)
