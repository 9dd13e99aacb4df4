// Where this repository's checkout is, for the code that reads files beside it (schemas, templates, the tool cache).
// The code runs from two places: its sources (scripts/lib/ under the checkout, through tsx) and the built tool the
// database hosts run (dist/ under the checkout, every module bundled into a few chunks, see bundle/ops-dist.ts). A
// module's own import.meta.url means different folders in the two, so only this module asks where it is (pure).
import { fileURLToPath } from 'node:url'

const here = new URL('.', import.meta.url)

function locate(): URL {
  if (here.pathname.endsWith('/scripts/lib/')) return new URL('../../', here)
  if (here.pathname.endsWith('/dist/')) return new URL('../', here)
  throw new Error(`${fileURLToPath(here)}: the ops tool runs from scripts/lib/ or dist/ of its checkout, not from here`)
}

/** The checkout's folder, as a file URL ending in a slash. */
export const checkoutUrl = locate()
/** The checkout's folder, as a path ending in a slash. */
export const checkoutDir = fileURLToPath(checkoutUrl)
