// A picture of one environment, drawn from the model: internet → ALB → host and path rules → target groups →
// instance groups → apps and their ports; the database, its backups and the VPN; topics and the alarms that notify
// them. One graph, written as Graphviz DOT (laid out into diagram.svg) and as Mermaid (the pull request's plan) (pure).
import { backupTimeoutMinutes, type Model } from '../config/model.ts'

type Shape = 'box' | 'ellipse' | 'cylinder' | 'note'
type Node = { id: string; lines: string[]; shape: Shape }
type Edge = { from: string; to: string; label?: string; dashed?: boolean }
type Cluster = { label: string; nodes: string[] }
export type Diagram = { title: string; nodes: Node[]; edges: Edge[]; clusters: Cluster[] }

const groupSize = (g: Model['env']['instanceGroups'][number]) =>
  g.scaling
    ? `${g.scaling.min}–${g.scaling.max} instances, CPU target ${g.scaling.targetCpu} %`
    : `${g.count} instance${g.count === 1 ? '' : 's'}`

export function environmentDiagram(model: Model): Diagram {
  const { env, apps } = model
  const nodes: Node[] = [
    { id: 'internet', lines: ['Internet'], shape: 'ellipse' },
    {
      id: 'alb',
      lines: [
        'Application Load Balancer',
        `HTTPS :443 (${env.loadBalancer.sslPolicy})`,
        'HTTP :80 → HTTPS',
        'WAF in front',
      ],
      shape: 'box',
    },
    {
      id: 'vpn',
      lines: ['OpenVPN clients', env.network.vpnClientCidr, `SSH :${env.network.sshPort} to every instance`],
      shape: 'ellipse',
    },
  ]
  const edges: Edge[] = [{ from: 'internet', to: 'alb' }]
  const clusters: Cluster[] = []
  for (const app of apps) {
    const hosts = app.hosts.length ? app.hosts.join(', ') : 'any host'
    nodes.push({
      id: `tg-${app.name}`,
      lines: [`target group ${app.name}`, `port ${app.proxyPort}, health ${app.healthCheck.path}`],
      shape: 'box',
    })
    edges.push({
      from: 'alb',
      to: `tg-${app.name}`,
      label: `${hosts} ${app.paths.join(' ')}${app.allowFrom ? ` (from ${app.allowFrom.join(', ')})` : ''}`,
    })
    nodes.push({
      id: `app-${app.name}`,
      lines: [
        `nginx :${app.proxyPort} → ${app.name} 127.0.0.1:${app.port}`,
        `${app.kind === 'spa' ? 'nginx serves the build, the rest to ' : ''}pm2, Node.js, user ${app.user}, ${app.version}`,
      ],
      shape: 'box',
    })
    edges.push({ from: `tg-${app.name}`, to: `app-${app.name}` })
  }
  const db = env.database
  for (const g of env.instanceGroups) {
    const members = apps.filter((a) => a.instanceGroup === g.name).map((a) => `app-${a.name}`)
    if (g.name === env.backup.instanceGroup) {
      nodes.push({
        id: 'mongo',
        lines: [
          `MongoDB :${env.network.mongoPort} (TLS ${env.network.mongoTls ?? 'require'})`,
          `${db.address}, zone ${db.zone}, ${db.dataVolume.size} GiB volume`,
        ],
        shape: 'cylinder',
      })
      nodes.push({
        id: 'backup',
        lines: [
          'backup tool',
          `${env.backup.schedule} ${env.backup.timezone}, at most ${backupTimeoutMinutes(env.backup)} min`,
        ],
        shape: 'box',
      })
      members.push('mongo', 'backup')
    }
    clusters.push({ label: `instance group ${g.name}: ${g.instanceType}, ${groupSize(g)}`, nodes: members })
  }
  nodes.push({
    id: 'backups',
    lines: [
      `s3://${env.backup.bucket}/${env.backup.prefix}`,
      `SSE-KMS, ${env.backup.retentionDays} days; RPO ${env.backup.rpoHours} h, RTO ${env.backup.rtoHours} h`,
    ],
    shape: 'cylinder',
  })
  if (nodes.some((n) => n.id === 'mongo')) {
    edges.push(
      { from: 'backup', to: 'mongo', label: 'dump', dashed: true },
      { from: 'backup', to: 'backups', label: 'upload' },
    )
    for (const app of apps.filter((a) => db.clients[a.name]))
      edges.push({ from: `app-${app.name}`, to: 'mongo', label: `database ${db.clients[app.name]}`, dashed: true })
    edges.push({ from: 'vpn', to: 'mongo', label: `:${env.network.mongoPort}` })
  }
  for (const topic of env.notifications) {
    const alarms = env.alarms.filter((a) => a.notify.includes(topic.name)).map((a) => a.name)
    const deployments = env.deployment.notify.includes(topic.name) ? ['deployments (CodeDeploy)'] : []
    nodes.push({
      id: `topic-${topic.name}`,
      lines: [`topic ${topic.name}`, `${topic.emails.length} email${topic.emails.length === 1 ? '' : 's'}`],
      shape: 'note',
    })
    if (alarms.length || deployments.length) {
      nodes.push({ id: `alarms-${topic.name}`, lines: [...deployments, ...alarms], shape: 'note' })
      edges.push({ from: `alarms-${topic.name}`, to: `topic-${topic.name}` })
    }
  }
  return { title: `${env.name}: account ${env.account}, ${env.region}, branch ${env.branch}`, nodes, edges, clusters }
}

/** A DOT string literal: quotes and backslashes escaped, so no model value can end the string or add a statement. */
const dotString = (s: string) =>
  `"${s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/[\r\n]/g, ' ')}"`
const dotLabel = (lines: string[]) => `"${lines.map((l) => dotString(l).slice(1, -1)).join('\\n')}"`

/** The nodes outside every cluster, and each cluster with its nodes: what both languages write, in this order. */
function placed(d: Diagram): { loose: Node[]; clusters: { label: string; nodes: Node[] }[] } {
  const inCluster = new Set(d.clusters.flatMap((c) => c.nodes))
  const byId = new Map(d.nodes.map((n) => [n.id, n]))
  return {
    loose: d.nodes.filter((n) => !inCluster.has(n.id)),
    clusters: d.clusters.map((c) => ({ label: c.label, nodes: c.nodes.map((id) => byId.get(id)!) })),
  }
}

export function toDot(d: Diagram): string {
  const node = (n: Node) =>
    `  ${dotString(n.id)} [label=${dotLabel(n.lines)}, shape=${n.shape}${n.shape === 'box' ? ', style=rounded' : ''}];`
  const { loose, clusters } = placed(d)
  return [
    `digraph ${dotString(d.title)} {`,
    `  graph [rankdir=LR, label=${dotString(d.title)}, labelloc=t, fontname="Helvetica", fontsize=12, nodesep=0.3];`,
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
    ...loose.map(node),
    ...clusters.flatMap((c, i) => [
      `  subgraph cluster_${i} {`,
      `    label=${dotString(c.label)}; style=dashed;`,
      ...c.nodes.map((n) => `  ${node(n)}`),
      '  }',
    ]),
    ...d.edges.map(
      (e) =>
        `  ${dotString(e.from)} -> ${dotString(e.to)}${e.label || e.dashed ? ` [${[e.label && `label=${dotString(e.label)}`, e.dashed && 'style=dashed'].filter(Boolean).join(', ')}]` : ''};`,
    ),
    '}',
    '',
  ].join('\n')
}

/**
 * Mermaid text: ids are generated and labels quoted, with entities for a quote, `%` (so no `%%{...}%%` directive) and a
 * backslash (the title is a double-quoted YAML string), so no value can break out.
 */
const mermaidText = (s: string) =>
  s
    .replace(/"/g, '#quot;')
    .replace(/%/g, '#37;')
    .replace(/\\/g, '#92;')
    .replace(/[\r\n]/g, ' ')

export function toMermaid(d: Diagram): string {
  const ids = new Map(d.nodes.map((n, i) => [n.id, `n${i}`]))
  const open = { box: '(["', ellipse: '(("', cylinder: '[("', note: '>"' } as const
  const close = { box: '"])', ellipse: '"))', cylinder: '")]', note: '"]' } as const
  const node = (n: Node) => `${ids.get(n.id)}${open[n.shape]}${n.lines.map(mermaidText).join('<br/>')}${close[n.shape]}`
  const { loose, clusters } = placed(d)
  return [
    '---',
    `title: "${mermaidText(d.title)}"`,
    '---',
    'flowchart LR',
    ...loose.map((n) => `  ${node(n)}`),
    ...clusters.flatMap((c, i) => [
      `  subgraph g${i}["${mermaidText(c.label)}"]`,
      ...c.nodes.map((n) => `    ${node(n)}`),
      '  end',
    ]),
    ...d.edges.map(
      (e) =>
        `  ${ids.get(e.from)} ${e.dashed ? '-.->' : '-->'}${e.label ? `|"${mermaidText(e.label)}"|` : ''} ${ids.get(e.to)}`,
    ),
    '',
  ].join('\n')
}
