// zx's $ as every script here uses it: stdin from /dev/null unless a call passes input. Node's 'pipe' stdin is a
// socket, and bash started without SHLVL (as in a unit or a hook) with a socket on stdin takes itself for rshd's
// child and reads ~/.bashrc: on a host whose .bashrc runs `pyenv init`, each command then waited on pyenv's rehash
// lock, for minutes when several ran at once (database-up on a busy host). No command here reads stdin.
import { $ } from 'zx'

$.stdio = ['ignore', 'pipe', 'pipe']

/** Commands whose output is no one's business unless they fail: zx puts their stderr in the error it throws. */
export const quiet = $.sync({ quiet: true })
/** The same for commands whose failure is an answer (a file or a link already gone, a tool not installed). */
export const quietTry = $.sync({ quiet: true, nothrow: true })

export { $ }
export { ProcessOutput, type Options } from 'zx'
