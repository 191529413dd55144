/**
 * A fresh TypeScript project outside the repository that installs the packed tarballs (and, from
 * the registry or npm's cache, what they depend on), as a new user's project would. It holds the
 * README examples as modules and two tsconfigs: `nodenext` (compiles them to build/ for Node) and
 * `node10` (type-checks them as older setups and some bundler setups resolve).
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type Packed, type PublishedName } from './pack.js';
import { moduleText, type ReadmeExample } from './readme-examples.js';
import { run, type Ran } from './run.js';

/** A consumer project on disk. */
export interface ConsumerProject {
  dir: string;
  /** `tsc -p tsconfig.NAME.json` in the project. */
  tsc(config: 'nodenext' | 'node10'): Promise<Ran>;
}

async function versionOf(name: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8'));
  return (manifest as { version: string }).version;
}

const COMMON = {
  target: 'ES2022',
  lib: ['ES2022', 'DOM'],
  types: ['node'],
  strict: true,
  // The packages' own declarations are checked too, as a user's build would see them.
  skipLibCheck: false,
  esModuleInterop: true,
};

/** Creates the project with `examples` under examples/ and installs `packed` into it. */
export async function createConsumerProject(
  packed: ReadonlyMap<PublishedName, Packed>,
  examples: readonly ReadmeExample[],
): Promise<ConsumerProject> {
  const dir = await mkdtemp(join(tmpdir(), 'nwbjs-consumer-'));
  const dependencies = Object.fromEntries([...packed.values()].map((p) => [p.name, `file:${p.tarball}`]));
  const devDependencies = {
    typescript: await versionOf('typescript'),
    '@types/node': await versionOf('@types/node'),
  };
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify(
      { name: 'nwbjs-consumer', private: true, type: 'module', dependencies, devDependencies },
      null,
      2,
    ),
  );
  await mkdir(join(dir, 'examples'));
  for (const example of examples) await writeFile(join(dir, 'examples', example.file), moduleText(example));
  const tsconfigs = {
    nodenext: { ...COMMON, module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'build', rootDir: '.' },
    node10: {
      ...COMMON,
      module: 'ESNext',
      moduleResolution: 'node10',
      ignoreDeprecations: '6.0',
      noEmit: true,
    },
  };
  for (const [name, compilerOptions] of Object.entries(tsconfigs)) {
    await writeFile(
      join(dir, `tsconfig.${name}.json`),
      JSON.stringify({ compilerOptions, include: ['examples/*.ts'] }, null, 2),
    );
  }
  const install = await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    {
      cwd: dir,
      timeoutMs: 150_000,
    },
  );
  if (install.code !== 0) throw new Error(`npm install in ${dir} failed:\n${install.stderr}`);
  const tscBin = join(dir, 'node_modules/typescript/bin/tsc');
  return {
    dir,
    tsc: (config) => run(process.execPath, [tscBin, '-p', `tsconfig.${config}.json`], { cwd: dir }),
  };
}
