// Every production revision bundle of the backup tool through the real CodeDeploy agent: first deployment,
// redeployment, new version (every-bundle.ts). I/O: moto, FerretDB and booted instances; all stopped at the end.
import { test } from 'uvu'
import { everyBundle } from './every-bundle.ts'

everyBundle('production', 'backup')
test.run()
