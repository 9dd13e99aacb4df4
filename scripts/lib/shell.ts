// zx's $ as every script here uses it: stdin from /dev/null unless a call passes input. Node's 'pipe' stdin is a
// socket, and bash started without SHLVL (as in a unit or a hook) with a socket on stdin takes itself for rshd's
// child and reads ~/.bashrc: on a host whose .bashrc runs `pyenv init`, each command then waited on pyenv's rehash
// lock, for minutes when several ran at once (database-up on a busy host). No command here reads stdin.
import { $, type ProcessOutput } from 'zx'

$.stdio = ['ignore', 'pipe', 'pipe']

/** Commands whose failure is an answer (a file or a link already gone, a tool not installed): the exit code says. */
export const quietTry = $.sync({ quiet: true, nothrow: true })

/**
 * Commands whose output is no one's business unless they fail: a failure throws zx's ProcessOutput (its stderr
 * included) at the call site. zx 8.8's own sync mode does not: it rejects a promise nobody holds, so the next
 * command ran anyway (`ip link add` after a failed `ip netns add`) and the process then died of an unhandled
 * rejection with a stack trace. Running with nothrow and throwing here keeps the failure where it happened.
 */
export function quiet(pieces: TemplateStringsArray, ...args: unknown[]): ProcessOutput {
  const out = quietTry(pieces, ...args)
  if (!out.ok) throw out
  return out
}

export { $ }
export { ProcessOutput, type Options } from 'zx'
