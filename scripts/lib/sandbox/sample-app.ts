// A small stand-in for an app's build output, as its CI would hand it to `ops release`: a Node server that says which
// app, version and user answer (and the URL asked), its package.json and lock file, and for the portal a static
// build (I/O: writes the folder).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { App } from '../config/model.ts'

export function writeSampleApp(dir: string, app: App, version = app.version) {
  const server = `'use strict'
const http = require('node:http')
http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ app: ${JSON.stringify(app.name)}, version: process.env.APP_VERSION, uid: process.getuid(), url: req.url }))
}).listen(Number(process.env.PORT), process.env.HOST, () => { if (process.send) process.send('ready') })
process.on('SIGINT', () => process.exit(0))
`
  mkdirSync(join(dir, app.start.script, '..'), { recursive: true })
  writeFileSync(join(dir, app.start.script), server)
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: app.name, version, private: true })}\n`)
  // A lock file, as an app's build ships one: AfterInstall builds the dependencies as the app user (none to fetch).
  writeFileSync(
    join(dir, 'package-lock.json'),
    `${JSON.stringify({ name: app.name, version, lockfileVersion: 3, requires: true, packages: { '': { name: app.name, version } } })}\n`,
  )
  if (app.kind === 'spa') {
    const root = join(dir, app.nginx.staticRoot!)
    mkdirSync(join(root, 'static/js'), { recursive: true })
    writeFileSync(
      join(root, 'index.html'),
      `<!doctype html><title>${version}</title><script src="/static/js/main.js"></script>\n`,
    )
    writeFileSync(join(root, 'static/js/main.js'), `console.log(${JSON.stringify(version)})\n`)
  }
}
