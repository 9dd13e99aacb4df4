// Every name this repository gives a resource outside its files, in one place: stacks, the CodeDeploy application,
// topics, log groups, the database's address and volume, the database CA. The templates build the same names from
// their Project and EnvName parameters; these are what code that finds or calls them uses (pure).
export const PROJECT = 'drsignet'

/** drsignet-ENV: every stack, topic, role and group of the environment starts with it. */
export const envPrefix = (env: string) => `${PROJECT}-${env}`
/** A stack of the environment (drsignet-ENV-data, drsignet-ENV-app-patient-api...). */
export const stackName = (env: string, suffix: string) => `${envPrefix(env)}-${suffix}`
export const alarmName = (env: string, alarm: string) => `${envPrefix(env)}-${alarm}`
/** An instance group's Auto Scaling group (instance-group.yaml): the CloudWatch dimension its alarms watch. */
export const autoScalingGroupName = (env: string, group: string) => `${envPrefix(env)}-${group}`
/** The CodeDeploy application; each app's deployment group is named after the app. */
export const codeDeployApplication = (env: string) => envPrefix(env)
export const topicName = (env: string, topic: string) => `${envPrefix(env)}-${topic}`
export const appLogGroup = (env: string, app: string) => `/${PROJECT}/${env}/app/${app}`
export const nginxLogGroup = (env: string) => `/${PROJECT}/${env}/nginx`
export const backupLogGroup = (env: string) => `/${PROJECT}/${env}/backup`
/** Name tags of the database's fixed network interface and data volume, which every replacement looks up. */
/** Where an app's .env waits in the secrets bucket, under the environment's prefix (BeforeInstall fetches it). */
export const appSecretKey = (secretsPrefix: string, app: string) => `${secretsPrefix}/${app}/.env`

export const databaseAddressName = (env: string) => `${envPrefix(env)}-mongo-address`
export const dataVolumeName = (env: string) => `${envPrefix(env)}-mongo-data`
export const databaseCaName = (env: string) => `${envPrefix(env)}-mongodb-ca`
/** A change set's name: the purpose, the commit and a time, so two runs never collide. */
export const changeSetName = (purpose: string, commit: string) =>
  `${PROJECT}-${purpose}-${commit.replace(/[^a-zA-Z0-9]/g, '').slice(0, 12) || 'local'}-${Date.now().toString(36)}`
