#!/usr/bin/env node
/*
 * Render a Backstage v1beta3 template with Backstage's own scaffolder engine: the reference
 * scaffold's tests and compatibility suite compare scaffold's output with.
 *
 *   node render.js TEMPLATE_YAML VALUES_JSON OUTPUT_DIR [CONTEXT_JSON]
 *
 * TEMPLATE_YAML  a template file (`apiVersion: scaffolder.backstage.io/v1beta3`, `kind: Template`);
 *                its folder is the template's location (`templateInfo.baseUrl` is
 *                `file://<absolute path of TEMPLATE_YAML>`), so relative `url`s of fetch actions
 *                read beside it, as in a Backstage that registered the template from a file.
 * VALUES_JSON    a JSON file (or inline JSON text starting with `{`): the `parameters` values, as
 *                the Backstage frontend would send them (defaults are not filled in: the form
 *                does that, not the backend). As Backstage's router does, they are validated
 *                against each visible parameter step, values of hidden steps (`when`) are dropped,
 *                and steps without `id` get `step-N`.
 * OUTPUT_DIR     created if missing; receives the final workspace (files, exec bits, symlinks).
 * CONTEXT_JSON   optional, a file or inline JSON object with any of:
 *                  "user":         {"entity": {...}, "ref": "user:default/jane"}  (`${{ user.* }}`)
 *                  "secrets":      {"NAME": "value"}                             (`${{ secrets.* }}`)
 *                  "templateInfo": {"entityRef": "template:default/x", ...}       (merged over the
 *                                  defaults; `entityRef` defaults to template:<namespace>/<name>)
 *                  "outputs":      {"publish:github": {"remoteUrl": "..."}}      (stub outputs by
 *                                  action id, over the defaults below)
 *                  "urls":         {"https://github.com/o/r/tree/main/docs": "/local/folder"}
 *                                  (absolute `url`s of fetch actions are read from these folders,
 *                                  longest prefix first; any other absolute url is an error).
 *                                  A template whose relative `url`s leave its folder
 *                                  (`../../skeletons/x`) is refused with a file:// baseUrl, as in
 *                                  Backstage: give `templateInfo.baseUrl` its https URL (`.../blob/
 *                                  main/path/template.yaml`) and map `.../tree/main` and
 *                                  `.../blob/main` to the checkout in `urls`.
 *
 * Steps run with Backstage's NunjucksWorkflowRunner and its real built-in actions for everything
 * that stays in the workspace (fetch:template, fetch:template:file, fetch:plain, fetch:plain:file,
 * fetch:cookiecutter with the `cookiecutter` on PATH, fs:delete, fs:rename, fs:readdir, debug:log,
 * debug:wait, catalog:write). Every other action (publish:*, catalog:register, catalog:fetch,
 * github:*, ...) is a no-op stub returning plausible outputs (remoteUrl, repoContentsUrl,
 * commitHash, entityRef, catalogInfoUrl), so templates run to the end.
 *
 *   node render.js --serve
 *
 * keeps the engine loaded and reads one request per stdin line, {"template": TEMPLATE_YAML,
 * "values": {...}, "out": OUTPUT_DIR, "context": {...}}, answering each with one result line (the
 * test fixture uses this: it saves loading Backstage's modules for every template).
 *
 * Prints one JSON line on stdout: {"ok": true, "output": {...}, "steps": [...]} (`output` is the
 * template's rendered `spec.output`; each step is {id, action, status, output}), or
 * {"ok": false, "error": "..."} with exit code 1 (2 for a usage error). Logs go to stderr when
 * BACKSTAGE_RENDER_VERBOSE is set.
 *
 * The npm packages are looked up beside this file, else in the test cache the Python wrapper
 * (tests/servers/backstage_engine.py) installs to: $SCAFFOLD_TEST_CACHE (or
 * ~/.cache/scaffold-tests)/backstage-scaffolder-<hash of package.json + package-lock.json>.
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');

const HERE = __dirname;
const INSTALL_FILES = ['package.json', 'package-lock.json'];

function fingerprint() {
  const digest = crypto.createHash('sha256');
  for (const name of INSTALL_FILES) {
    digest.update(Buffer.concat([Buffer.from(`${name}\0`), fs.readFileSync(path.join(HERE, name)), Buffer.from('\0')]));
  }
  return digest.digest('hex').slice(0, 16);
}

function installedRequire() {
  if (fs.existsSync(path.join(HERE, 'node_modules', '@backstage', 'plugin-scaffolder-backend'))) {
    return require;
  }
  const root = process.env.SCAFFOLD_TEST_CACHE
    ? process.env.SCAFFOLD_TEST_CACHE.replace(/^~(?=$|\/)/, os.homedir())
    : path.join(os.homedir(), '.cache', 'scaffold-tests');
  const dir = path.join(root, `backstage-scaffolder-${fingerprint()}`);
  if (!fs.existsSync(path.join(dir, '.installed'))) {
    throw new Error(
      `Backstage's scaffolder is not installed (looked beside render.js and in ${dir}); ` +
        'run `python -m tests.servers.backstage_engine --install`',
    );
  }
  return createRequire(path.join(dir, 'package.json'));
}

function readJsonArg(arg, what) {
  if (arg === undefined) return {};
  const text = arg.trimStart().startsWith('{') ? arg : fs.readFileSync(arg, 'utf8');
  const value = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${what} must be a JSON object`);
  }
  return value;
}

function silentLogger(verbose) {
  const write = level => (message, meta) => {
    if (verbose) process.stderr.write(`[${level}] ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}\n`);
  };
  const logger = { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
  logger.child = () => logger;
  return logger;
}

function noMetrics() {
  const instrument = { add() {}, record() {} };
  return { createCounter: () => instrument, createHistogram: () => instrument, createUpDownCounter: () => instrument, createGauge: () => instrument };
}

/** Plausible outputs of an action that would leave the workspace. */
function stubOutputs(req, integrations, id, input) {
  const { parseRepoUrl } = req('@backstage/plugin-scaffolder-node');
  let repo = { host: 'example.com', owner: 'owner', repo: 'repo' };
  if (typeof input.repoUrl === 'string') {
    try {
      repo = { ...repo, ...parseRepoUrl(input.repoUrl, integrations) };
    } catch {
      /* keep the placeholder */
    }
  }
  const fromUrl = input.catalogInfoUrl ?? input.repoContentsUrl;
  if (typeof input.repoUrl !== 'string' && typeof fromUrl === 'string') {
    try {
      const [owner, name] = new URL(fromUrl).pathname.split('/').filter(Boolean);
      repo = { host: new URL(fromUrl).host, owner: owner ?? 'owner', repo: name ?? 'repo' };
    } catch {
      /* keep the placeholder */
    }
  }
  const owner = repo.owner ?? repo.organization ?? repo.workspace ?? repo.project ?? 'owner';
  const remoteUrl = `https://${repo.host}/${owner}/${repo.repo}`;
  const branch = input.defaultBranch ?? 'main';
  if (id.startsWith('publish:')) {
    return { remoteUrl, repoContentsUrl: `${remoteUrl}/blob/${branch}`, commitHash: '0'.repeat(40) };
  }
  if (id === 'catalog:register') {
    const catalogInfoUrl =
      input.catalogInfoUrl ?? `${input.repoContentsUrl ?? `${remoteUrl}/blob/${branch}`}/${input.catalogInfoPath ?? '/catalog-info.yaml'}`.replace(/([^:])\/\/+/g, '$1/');
    return { entityRef: `component:default/${repo.repo}`, catalogInfoUrl };
  }
  if (id === 'catalog:fetch') {
    return { entity: {}, entities: [] };
  }
  return {};
}

/** Backstage's UrlReader for absolute `url`s: each is read from the local folder `urls` maps its prefix to. */
function localReader(urls) {
  const resolve = url => {
    const prefix = Object.keys(urls)
      .filter(p => url === p || url.startsWith(p.endsWith('/') ? p : `${p}/`))
      .sort((a, b) => b.length - a.length)[0];
    if (prefix === undefined) {
      throw new Error(`render.js reads local files only: map ${url} to a folder with the context's "urls"`);
    }
    return path.join(urls[prefix], url.slice(prefix.length).replace(/^\/+/, ''));
  };
  return {
    async readTree(url) {
      const source = resolve(url);
      return {
        async dir({ targetDir }) {
          fs.cpSync(source, targetDir, { recursive: true, verbatimSymlinks: true });
          return targetDir;
        },
      };
    },
    async readUrl(url) {
      const source = resolve(url);
      return { buffer: async () => fs.readFileSync(source) };
    },
    async search(url) {
      throw new Error(`render.js cannot search ${url}`);
    },
  };
}

/** Backstage's router: values are checked against each visible parameter step; hidden steps' values drop. */
function checkedValues(req, template, values) {
  const { resolveParameterSteps } = req('@backstage/plugin-scaffolder-common/alpha');
  const jsonschema = req('jsonschema');
  const parameters = [template.spec?.parameters ?? []].flat();
  const resolved = resolveParameterSteps(
    values,
    parameters.map(schema => ({ schema, when: schema.when })),
  );
  for (const [index, schema] of parameters.entries()) {
    if (!resolved.visible[index]) continue;
    const result = jsonschema.validate(values, schema);
    if (!result.valid) {
      throw new Error(`invalid values: ${result.errors.map(e => e.stack).join('; ')}`);
    }
  }
  return resolved.values;
}

function builtinActions(req, integrations, urls) {
  const backend = req('@backstage/plugin-scaffolder-backend');
  const reader = localReader(urls);
  const options = { reader, integrations };
  const actions = [
    backend.createFetchPlainAction(options),
    backend.createFetchPlainFileAction(options),
    backend.createFetchTemplateAction(options),
    backend.createFetchTemplateFileAction(options),
    backend.createDebugLogAction(),
    backend.createWaitAction(),
    backend.createCatalogWriteAction(),
    backend.createFilesystemDeleteAction(),
    backend.createFilesystemRenameAction(),
    backend.createFilesystemReadDirAction(),
  ];
  for (const name of ['createWorkspaceTemplateAction', 'createWorkspaceTemplateFileAction']) {
    if (backend[name]) actions.push(backend[name](options));
  }
  try {
    const cookiecutter = req('@backstage/plugin-scaffolder-backend-module-cookiecutter');
    actions.push(cookiecutter.createFetchCookiecutterAction(options));
  } catch (err) {
    if (err.code !== 'MODULE_NOT_FOUND') throw err;
  }
  return new Map(actions.map(action => [action.id, action]));
}

/** An action registry: real built-ins, stubs for the rest, every handler's outputs recorded. */
function actionRegistry(req, integrations, stubOverrides, recorded, urls) {
  const { createTemplateAction } = req('@backstage/plugin-scaffolder-node');
  const builtins = builtinActions(req, integrations, urls);
  const record = (ctx, name, value) => {
    const entry = recorded.get(ctx.step.id) ?? { ran: true, output: {} };
    entry.output[name] = value;
    recorded.set(ctx.step.id, entry);
  };
  const wrap = action => ({
    ...action,
    async handler(ctx) {
      if (!recorded.has(ctx.step.id)) recorded.set(ctx.step.id, { ran: true, output: {} });
      const output = (name, value) => {
        record(ctx, name, value);
        ctx.output(name, value);
      };
      return action.handler({ ...ctx, output });
    },
  });
  const stub = id =>
    createTemplateAction({
      id,
      description: `stub of ${id} (leaves the workspace)`,
      supportsDryRun: true,
      async handler(ctx) {
        const input = ctx.input ?? {};
        const outputs = { ...stubOutputs(req, integrations, id, input), ...(stubOverrides[id] ?? {}) };
        for (const [name, value] of Object.entries(outputs)) ctx.output(name, value);
      },
    });
  return {
    async get(id) {
      return wrap(builtins.get(id) ?? stub(id));
    },
    async list() {
      return builtins;
    },
    register() {},
  };
}

async function render(templatePath, values, outDir, context) {
  const req = installedRequire();
  const { ConfigReader } = req('@backstage/config');
  const { ScmIntegrations } = req('@backstage/integration');
  const yaml = req('yaml');
  const backendDist = path.dirname(req.resolve('@backstage/plugin-scaffolder-backend'));
  const { NunjucksWorkflowRunner } = req(path.join(backendDist, 'scaffolder', 'tasks', 'NunjucksWorkflowRunner.cjs.js'));

  const template = yaml.parse(fs.readFileSync(templatePath, 'utf8'));
  if (template?.apiVersion !== 'scaffolder.backstage.io/v1beta3') {
    throw new Error(`not a v1beta3 template: apiVersion ${JSON.stringify(template?.apiVersion)}`);
  }
  const spec = template.spec ?? {};
  const config = new ConfigReader({});
  const integrations = ScmIntegrations.fromConfig(config);
  const verbose = Boolean(process.env.BACKSTAGE_RENDER_VERBOSE);
  const logger = silentLogger(verbose);
  const recorded = new Map();
  const workingDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'backstage-render-'));
  const taskId = `task-${crypto.randomUUID()}`;
  const extractId = `extract-${taskId}`;
  const { createTemplateAction } = req('@backstage/plugin-scaffolder-node');
  const registry = actionRegistry(req, integrations, context.outputs ?? {}, recorded, context.urls ?? {});
  const extract = createTemplateAction({
    id: extractId,
    supportsDryRun: true,
    async handler(ctx) {
      fs.mkdirSync(outDir, { recursive: true });
      fs.cpSync(ctx.workspacePath, outDir, { recursive: true, verbatimSymlinks: true });
    },
  });
  const registryWithExtract = {
    ...registry,
    async get(id, options) {
      return id === extractId ? extract : registry.get(id, options);
    },
  };
  const runner = new NunjucksWorkflowRunner({
    actionRegistry: registryWithExtract,
    integrations,
    logger,
    workingDirectory,
    config,
    metrics: noMetrics(),
  });
  const namespace = template.metadata?.namespace ?? 'default';
  // as Backstage's router builds the task spec
  const steps = (Array.isArray(spec.steps) ? spec.steps : []).map((step, index) => ({
    ...step,
    id: step.id ?? `step-${index + 1}`,
    name: step.name ?? step.action,
  }));
  const parameters = checkedValues(req, template, values);
  let failedStep;
  try {
    const result = await runner.execute({
      taskId,
      spec: {
        apiVersion: template.apiVersion,
        steps: [...steps, { id: extractId, name: 'extract the workspace', action: extractId }],
        output: spec.output ?? {},
        parameters,
        user: context.user ?? {},
        templateInfo: {
          entityRef: `template:${namespace}/${template.metadata?.name ?? 'template'}`,
          baseUrl: `file://${path.resolve(templatePath)}`,
          entity: { metadata: template.metadata ?? {} },
          ...(context.templateInfo ?? {}),
        },
      },
      secrets: context.secrets ?? {},
      isDryRun: false,
      done: false,
      cancelSignal: new AbortController().signal,
      getWorkspaceName: async () => taskId,
      getInitiatorCredentials: async () => ({ $$type: '@backstage/BackstageCredentials', principal: { type: 'none' } }),
      async emitLog(message, meta) {
        if (meta?.status === 'failed' && meta.stepId !== extractId) failedStep ??= meta.stepId;
        if (verbose) process.stderr.write(`[task] ${message}\n`);
      },
      complete: async () => {},
    });
    const stepReport = steps.map(step => {
      const entry = recorded.get(step.id);
      return { id: step.id, action: step.action, status: entry ? 'completed' : 'skipped', output: entry?.output ?? {} };
    });
    return { ok: true, output: result.output ?? {}, steps: stepReport };
  } catch (err) {
    const where = failedStep ? `step ${failedStep}: ` : '';
    throw new Error(`${where}${err?.message ?? String(err)}`);
  } finally {
    fs.rmSync(workingDirectory, { recursive: true, force: true });
  }
}

/** `--serve`: one JSON request per stdin line ({template, values, out, context}), one result line each. */
async function serve() {
  const readline = require('node:readline');
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let result;
    try {
      const request = JSON.parse(line);
      result = await render(request.template, request.values ?? {}, path.resolve(request.out), request.context ?? {});
    } catch (err) {
      result = { ok: false, error: err?.message ?? String(err) };
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
  return 0;
}

async function main(argv) {
  if (argv.length === 1 && argv[0] === '--serve') {
    return serve();
  }
  if (argv.length < 3 || argv.length > 4) {
    process.stderr.write('usage: node render.js TEMPLATE_YAML VALUES_JSON OUTPUT_DIR [CONTEXT_JSON] | node render.js --serve\n');
    return 2;
  }
  const [templatePath, valuesArg, outDir, contextArg] = argv;
  try {
    const values = readJsonArg(valuesArg, 'VALUES_JSON');
    const context = readJsonArg(contextArg, 'CONTEXT_JSON');
    const result = await render(templatePath, values, path.resolve(outDir), context);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: err?.message ?? String(err) })}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
});
