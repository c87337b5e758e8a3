import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// npm run lint:api: the committed OpenAPI document against Spectral's OpenAPI rules (.spectral.yaml) and Redocly's
// recommended rules (redocly.yaml), both with no error and no warning, and the OWASP API Security rules
// (.spectral-owasp.yaml) with no error. Prints each linter's counts and every problem that fails the run.
const root = fileURLToPath(new URL('../..', import.meta.url));
const document = 'openapi/openapi.json';
const bin = (name: string) => `${root}node_modules/.bin/${name}`;

/** Runs a linter that prints JSON on stdout; a non-zero exit only means it found problems. */
function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const out = (err as { stdout?: string }).stdout;
    if (out) return out;
    throw err;
  }
}

interface Finding {
  severity: 'error' | 'warning';
  rule: string;
  where: string;
  message: string;
}

function spectral(ruleset: string): Finding[] {
  const results = JSON.parse(run(bin('spectral'), ['lint', document, '-r', ruleset, '-f', 'json', '-q', '--fail-severity', 'error'])) as { code: string; severity: number; path: string[]; message: string }[];
  return results
    .filter((r) => r.severity <= 1)
    .map((r) => ({ severity: r.severity === 0 ? 'error' : 'warning', rule: r.code, where: r.path.join('.'), message: r.message }));
}

function redocly(): Finding[] {
  const report = JSON.parse(run(bin('redocly'), ['lint', document, '--format', 'json', '--max-problems', '100000'])) as {
    problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
  };
  return report.problems.map((p) => ({ severity: p.severity === 'error' ? 'error' : 'warning', rule: p.ruleId, where: p.location[0]?.pointer ?? '', message: p.message }));
}

const linters: { name: string; findings: Finding[]; failOn: Finding['severity'][] }[] = [
  { name: 'spectral:oas (.spectral.yaml)', findings: spectral('.spectral.yaml'), failOn: ['error', 'warning'] },
  { name: 'redocly recommended (redocly.yaml)', findings: redocly(), failOn: ['error', 'warning'] },
  { name: 'OWASP API Security (.spectral-owasp.yaml)', findings: spectral('.spectral-owasp.yaml'), failOn: ['error'] },
];

let failed = false;
for (const { name, findings, failOn } of linters) {
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  console.log(`${name}: ${count('error')} errors, ${count('warning')} warnings`);
  const failing = findings.filter((f) => failOn.includes(f.severity));
  for (const f of failing.slice(0, 50)) console.log(`  ${f.severity} ${f.rule} ${f.where}: ${f.message}`);
  if (failing.length > 50) console.log(`  … and ${failing.length - 50} more`);
  failed ||= failing.length > 0;
}
process.exitCode = failed ? 1 : 0;
