import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * Just enough PromQL reading for the deploy checks: which metric names an expression selects, which labels
 * each selector matches on, and which labels its grouping clauses (by, without, on, ignoring, group_left,
 * group_right) name. Syntax itself is promtool's job (`promtool check rules`).
 */
export interface SelectorRef {
  metric: string | null;
  labels: string[];
  matchers: { label: string; op: string; value: string }[];
}

export interface PromqlRefs {
  selectors: SelectorRef[];
  grouping: string[];
}

type Token = { kind: 'ident' | 'string' | 'number' | 'op'; text: string };

const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2', ...GROUPING]);

function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) j += expr[j] === '\\' && c !== '`' ? 2 : 1;
      if (j >= expr.length) throw new Error(`unterminated string in ${expr}`);
      out.push({ kind: 'string', text: expr.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    const num = /^(0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?(?:[smhdwy]|ms)?(?:[0-9]+(?:[smhdwy]|ms))*)/.exec(expr.slice(i));
    if (num && /[0-9.]/.test(c)) {
      out.push({ kind: 'number', text: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(expr.slice(i));
    if (id) {
      out.push({ kind: 'ident', text: id[0] });
      i += id[0].length;
      continue;
    }
    const op = /^(==|!=|=~|!~|>=|<=|[-+*/%^<>=(){}[\],:@!])/.exec(expr.slice(i));
    if (!op) throw new Error(`unexpected character '${c}' in ${expr}`);
    out.push({ kind: 'op', text: op[0] });
    i += op[0].length;
  }
  return out;
}

export function promqlRefs(expr: string): PromqlRefs {
  const t = tokenize(expr);
  const selectors: SelectorRef[] = [];
  const grouping: string[] = [];
  const matchers = (from: number, metric: string | null): number => {
    // t[from] is '{'
    let i = from + 1;
    const labels: string[] = [];
    const ms: SelectorRef['matchers'] = [];
    while (i < t.length && t[i].text !== '}') {
      if (t[i].kind === 'ident') {
        const value = t[i + 2];
        if (t[i].text === '__name__' && t[i + 1]?.text === '=' && value?.kind === 'string') metric = value.text;
        else {
          labels.push(t[i].text);
          ms.push({ label: t[i].text, op: t[i + 1]?.text ?? '', value: value?.text ?? '' });
        }
        i += 3;
      } else i++;
    }
    selectors.push({ metric, labels, matchers: ms });
    return i + 1;
  };
  for (let i = 0; i < t.length; ) {
    const tok = t[i];
    if (tok.kind === 'op' && tok.text === '[') {
      while (i < t.length && t[i].text !== ']') i++;
      i++;
      continue;
    }
    if (tok.kind === 'op' && tok.text === '{') {
      i = matchers(i, null);
      continue;
    }
    if (tok.kind !== 'ident') {
      i++;
      continue;
    }
    const next = t[i + 1];
    if (GROUPING.has(tok.text) && next?.text === '(') {
      i += 2;
      while (i < t.length && t[i].text !== ')') {
        if (t[i].kind === 'ident') grouping.push(t[i].text);
        i++;
      }
      i++;
      continue;
    }
    if (KEYWORDS.has(tok.text) || next?.text === '(' || next?.text === 'by' || next?.text === 'without') {
      // A keyword, a function call, or an aggregation (`sum (…)`, `max by (…) (…)`).
      i++;
      continue;
    }
    if (next?.text === '{') {
      i = matchers(i + 1, tok.text);
      continue;
    }
    selectors.push({ metric: tok.text, labels: [], matchers: [] });
    i++;
  }
  return { selectors, grouping };
}

/** Labels a rule's annotation or label templates read (`$labels.x`, `.Labels.x`). */
export function templateLabels(text: string): string[] {
  return [...text.matchAll(/(?:\$labels|\.Labels)\.([a-zA-Z_][a-zA-Z0-9_]*)/g)].map((m) => m[1]);
}

// ------------------------------------------------------------------------------------------ exposition format

/** Metric families of a Prometheus text exposition: name → type and the label names its samples carry. */
export interface Exposition {
  families: Map<string, { type: string; labels: Set<string>; samples: number }>;
  /** Series name (e.g. `x_bucket`) → family name. */
  seriesFamily: Map<string, string>;
  /** Series name → the label names its samples carry (`le` only on `_bucket`). */
  seriesLabels: Map<string, Set<string>>;
  /** `series|label` → the values seen. */
  labelValues: Map<string, Set<string>>;
}

export function parseExposition(text: string): Exposition {
  const families = new Map<string, { type: string; labels: Set<string>; samples: number }>();
  const seriesFamily = new Map<string, string>();
  const seriesLabels = new Map<string, Set<string>>();
  const labelValues = new Map<string, Set<string>>();
  const suffixes: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] };
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      families.set(type[1], { type: type[2], labels: new Set(), samples: 0 });
      seriesFamily.set(type[1], type[1]);
      for (const s of suffixes[type[2]] ?? []) seriesFamily.set(type[1] + s, type[1]);
      continue;
    }
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s/.exec(line);
    if (!m) throw new Error(`unparsable exposition line: ${line}`);
    const fam = families.get(seriesFamily.get(m[1]) ?? '');
    if (!fam) throw new Error(`sample without # TYPE: ${line}`);
    fam.samples++;
    const own = seriesLabels.get(m[1]) ?? new Set<string>();
    seriesLabels.set(m[1], own);
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      fam.labels.add(l[1]);
      own.add(l[1]);
      const key = `${m[1]}|${l[1]}`;
      labelValues.set(key, (labelValues.get(key) ?? new Set()).add(l[2]));
    }
  }
  return { families, seriesFamily, seriesLabels, labelValues };
}

export interface CoverageOptions {
  /** Labels Prometheus attaches to every scraped series (job, instance, static target labels). */
  targetLabels: string[];
  /** Series Prometheus makes itself (e.g. `up`), with their labels. */
  prometheusSeries: Record<string, string[]>;
  /** Declared label names per family, for families the scrape shows no sample of (counters never incremented). */
  declared?: Map<string, string[]>;
}

/**
 * Problems of one query against a scrape: metric names simgate does not export, and label names (in
 * matchers, grouping clauses and alert templates) that none of the query's series carries.
 */
export function coverageProblems(where: string, expr: string, expo: Exposition, o: CoverageOptions, extraLabels: string[] = []): string[] {
  const problems: string[] = [];
  const refs = promqlRefs(expr);
  const all = new Set<string>(o.targetLabels);
  for (const sel of refs.selectors) {
    if (!sel.metric) {
      problems.push(`${where}: a selector without a metric name ({${sel.labels.join(', ')}})`);
      continue;
    }
    let labels: Set<string> | undefined;
    if (o.prometheusSeries[sel.metric]) labels = new Set(o.prometheusSeries[sel.metric]);
    else {
      const family = expo.seriesFamily.get(sel.metric);
      if (!family) {
        problems.push(`${where}: metric ${sel.metric} is not exported by simgate`);
        continue;
      }
      labels = expo.seriesLabels.get(sel.metric);
      if (!labels) {
        const declared = o.declared?.get(family);
        if (!declared) {
          problems.push(`${where}: ${sel.metric} has no sample in the scrape and no declared labels`);
          continue;
        }
        labels = new Set([...declared, ...(sel.metric.endsWith('_bucket') ? ['le'] : [])]);
      }
    }
    for (const l of [...labels, ...o.targetLabels]) all.add(l);
    for (const l of sel.labels) {
      if (!labels.has(l) && !o.targetLabels.includes(l)) problems.push(`${where}: ${sel.metric} has no label ${l}`);
    }
    // An exact match on a value the scrape never shows is a typo or a value simgate does not produce.
    for (const m of sel.matchers) {
      const seen = expo.labelValues.get(`${sel.metric}|${m.label}`);
      if ((m.op === '=' || m.op === '!=') && seen && !seen.has(m.value)) problems.push(`${where}: ${sel.metric}{${m.label}="${m.value}"}: value never exported (seen: ${[...seen].join(', ')})`);
    }
  }
  for (const l of [...refs.grouping, ...extraLabels]) {
    if (!all.has(l)) problems.push(`${where}: label ${l} (grouping or template) is on none of the series of the query`);
  }
  return problems;
}

// ------------------------------------------------------------------------------------------ deploy files

export const DEPLOY = path.join(__dirname, '../../deploy');

export interface RuleDoc {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

export function loadRules(file = path.join(DEPLOY, 'prometheus/rules.yml')): RuleDoc {
  return parseYaml(fs.readFileSync(file, 'utf8')) as RuleDoc;
}

interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string; datasource?: { uid: string } }[];
}

export interface Dashboard {
  uid: string;
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; query: string | { query: string }; definition?: string }[] };
}

export function loadDashboard(file = path.join(DEPLOY, 'grafana/simgate.json')): Dashboard {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Dashboard;
}

/** Every panel query of the dashboard, as Prometheus would receive it (Grafana's variables substituted). */
export function dashboardExprs(d: Dashboard): { panel: string; expr: string }[] {
  return d.panels
    .filter((p) => p.type !== 'row')
    .flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: substituteGrafana(t.expr) })));
}

export function substituteGrafana(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$__range/g, '5m')
    .replace(/\$\{?(platform|account)(:[a-z]+)?\}?/g, '.*');
}

/** `label_values(selector, label)` queries of the dashboard's variables. */
export function variableQueries(d: Dashboard): { name: string; selector: string; label: string }[] {
  return d.templating.list
    .filter((v) => v.type === 'query')
    .map((v) => {
      const q = typeof v.query === 'string' ? v.query : v.query.query;
      const m = /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(q.trim());
      if (!m) throw new Error(`variable ${v.name}: not a label_values(selector, label) query: ${q}`);
      return { name: v.name, selector: substituteGrafana(m[1]), label: m[2] };
    });
}

// ------------------------------------------------------------------------------------------ promtool

export function promtoolPath(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function promtool(args: string[], cwd?: string): { code: number; out: string } {
  const r = spawnSync('promtool', args, { encoding: 'utf8', cwd });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** Runs expressions through `promtool check rules` as recording rules; returns promtool's verdict. */
export function checkExprs(exprs: string[]): { code: number; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-promql-'));
  try {
    const groups = [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `simgate:dashboard_expr_${i}`, expr })) }];
    const file = path.join(dir, 'exprs.yml');
    fs.writeFileSync(file, JSON.stringify({ groups }, null, 1));
    return promtool(['check', 'rules', file]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
