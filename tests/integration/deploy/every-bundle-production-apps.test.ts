// Every production revision bundle of the apps through the real CodeDeploy agent: first deployment,
// redeployment, new version (every-bundle.ts). I/O: moto and booted instances; all stopped at the end.
import { test } from 'uvu'
import { everyBundle } from './every-bundle.ts'

everyBundle('production', 'apps')
test.run()
