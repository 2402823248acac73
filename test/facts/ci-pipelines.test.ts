/** CI/CD facts: every provider read into jobs and classified steps, scripts followed, deploy gates. */
import { describe, expect, it } from 'vitest';
import { ciDependencyAudits, ciDeployJobs, ciSecurityScans, ciTestRuns, ciTestSteps, classifyCommand } from '../../src/facts/ci-pipelines.ts';
import { operationsOfTree } from '../support/operations-tree.ts';

const kinds = (tools: { kind: string; tool: string }[]) => tools.map((t) => `${t.kind}:${t.tool}`);

describe('classifyCommand', () => {
  it.each([
    ['pytest --cov=app --cov-report=xml', ['test:pytest', 'coverage:coverage']],
    ['python -m pytest -q', ['test:pytest']],
    ['python manage.py test', ['test:Django tests']],
    ['npx vitest run --coverage', ['test:vitest', 'coverage:coverage']],
    ['npx playwright test', ['test:Playwright']],
    ['ruff check . && mypy app', ['lint:ruff', 'typecheck:mypy']],
    ['npx tsc --noEmit', ['typecheck:tsc']],
    ['pip-audit -r requirements.txt', ['security:pip-audit']],
    ['npm audit --omit=dev --audit-level=high', ['security:npm audit']],
    ['trivy image ghcr.io/acme/api:1.0', ['security:Trivy']],
    ['docker build -t api .', ['build:docker build']],
    ['alembic upgrade head', ['migrate:migrations']],
    ['flyctl deploy --remote-only', ['deploy:Fly.io']],
    ['kubectl apply -f k8s/', ['deploy:kubectl']],
    ['gcloud run deploy api --image $IMAGE', ['deploy:Google Cloud']],
    ['ruff format .', []],
    // Installing a tool is not running it.
    ['pip install pytest pytest-cov', []],
    ['npm i -D jest', []],
    ['pip install -r requirements.txt && python -m pytest -q tests/', ['test:pytest']],
    ['poetry run python manage.py test --parallel', ['test:Django tests']],
    ['node --import tsx --test test/', ['test:node --test']],
    ['pip-audit && bandit -r app', ['security:Bandit', 'security:pip-audit']],
    ['trivy config infra/', ['security:Trivy config']],
    ['echo "testing the waters"', []],
  ])('%s', (command, expected) => {
    expect(kinds(classifyCommand(command))).toEqual(expected);
  });
});

describe('readCiPipelines', () => {
  it('follows npm scripts, make targets, shell scripts and pre-commit hooks one level', async () => {
    const ops = await operationsOfTree({
      'package.json': '{ "name": "api", "scripts": { "verify": "vitest run", "lint": "eslint .", "check": "npm run lint && tsc --noEmit" } }\n',
      Makefile: 'check:\n\tpytest -q\n',
      'scripts/audit.sh': '#!/bin/sh\npip-audit\n',
      '.pre-commit-config.yaml': 'repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8.18.4\n    hooks:\n      - id: gitleaks\n',
      '.github/workflows/ci.yml': 'on: [push]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm run verify\n      - run: npm run check\n      - run: make check\n      - run: ./scripts/audit.sh\n      - run: pre-commit run --all-files\n',
    });
    expect(ops.ci.steps.map((s) => `${s.text} => ${kinds(s.tools).join(',')}`)).toEqual([
      'npm run verify => test:vitest',
      'npm run check => lint:npm run lint,typecheck:tsc',
      'make check => test:pytest',
      './scripts/audit.sh => security:pip-audit',
      'pre-commit run --all-files => lint:pre-commit,security:pre-commit gitleaks',
    ]);
    expect(ciTestSteps(ops.ci).map((s) => s.text)).toEqual(['npm run verify', 'make check']);
  });

  it('reads GitLab, CircleCI, Azure, Bitbucket, Jenkins, Travis, Buildkite, Drone, Cloud Build and CodeBuild', async () => {
    const ops = await operationsOfTree({
      '.gitlab-ci.yml': 'include:\n  - template: Jobs/SAST.gitlab-ci.yml\ntest:\n  script:\n    - pytest\ndeploy:\n  when: manual\n  environment: production\n  script:\n    - helm upgrade --install api ./chart\n',
      '.circleci/config.yml': 'version: 2.1\njobs:\n  test:\n    steps:\n      - checkout\n      - run: npm test\n  deploy:\n    steps:\n      - run: flyctl deploy\nworkflows:\n  main:\n    jobs:\n      - test\n      - hold:\n          type: approval\n          requires: [test]\n      - deploy:\n          requires: [hold]\n',
      'azure-pipelines.yml': 'trigger: [main]\nsteps:\n  - script: pytest\n  - task: PublishTestResults@2\n',
      'bitbucket-pipelines.yml': 'pipelines:\n  default:\n    - step:\n        name: test\n        script:\n          - npm ci\n          - npm test\n    - step:\n        name: deploy\n        deployment: production\n        trigger: manual\n        script:\n          - kubectl apply -f k8s/\n',
      Jenkinsfile: "pipeline {\n  stages {\n    stage('Test') { steps { sh 'pytest' } }\n    stage('Approve') { steps { input message: 'Ship it?' } }\n    stage('Deploy') { steps { sh 'kubectl apply -f k8s/' } }\n  }\n}\n",
      '.travis.yml': 'language: python\nscript:\n  - pytest\n',
      '.buildkite/pipeline.yml': 'steps:\n  - label: test\n    command: pytest\n  - block: ship\n  - label: deploy\n    command: kubectl apply -f k8s/\n',
      '.drone.yml': 'kind: pipeline\nsteps:\n  - name: test\n    image: python:3.12\n    commands:\n      - pytest\n',
      'cloudbuild.yaml': 'steps:\n  - name: gcr.io/cloud-builders/docker\n    args: ["build", "-t", "gcr.io/p/api", "."]\n  - name: gcr.io/google.com/cloudsdktool/cloud-sdk\n    entrypoint: gcloud\n    args: ["run", "deploy", "api", "--image", "gcr.io/p/api"]\n',
      'buildspec.yml': 'version: 0.2\nphases:\n  build:\n    commands:\n      - pytest\n',
    });
    expect(ops.ci.pipelines.map((p) => p.provider).sort()).toEqual(['azure-pipelines', 'bitbucket', 'buildkite', 'circleci', 'cloud-build', 'codebuild', 'drone', 'gitlab-ci', 'jenkins', 'travis']);
    expect(ciTestSteps(ops.ci).map((s) => s.provider).sort()).toEqual(['azure-pipelines', 'azure-pipelines', 'bitbucket', 'buildkite', 'circleci', 'codebuild', 'drone', 'gitlab-ci', 'jenkins', 'travis']);
    expect(ops.ci.steps.some((s) => s.provider === 'gitlab-ci' && s.kinds.includes('security'))).toBe(true);
    const deploys = ciDeployJobs(ops.ci).map((d) => `${d.pipeline.provider}:${d.job.id}:${d.gate ?? 'ungated'}`).sort();
    expect(deploys).toEqual([
      'bitbucket:deploy:`trigger: manual`',
      'buildkite:deploy:Buildkite block step',
      'circleci:deploy:CircleCI approval job',
      'cloud-build:build:ungated',
      'gitlab-ci:deploy:`when: manual`',
      'jenkins:Deploy:Jenkins `input` step',
    ]);
  });

  it('counts `docker compose up` as a deploy only in deployment jobs', async () => {
    const ops = await operationsOfTree({
      '.github/workflows/test.yml': 'on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker compose up -d db\n      - run: pytest\n',
      '.github/workflows/deploy-production.yml': 'on:\n  release:\n    types: [published]\njobs:\n  deploy:\n    runs-on: [self-hosted, production]\n    steps:\n      - run: docker compose -f docker-compose.yml up -d\n',
    });
    expect(ciDeployJobs(ops.ci).map((d) => `${d.pipeline.file}:${d.deploy.text}:${d.gate}`)).toEqual(['.github/workflows/deploy-production.yml:docker compose -f docker-compose.yml up -d:runs only for releases / tags']);
  });

  it('sees GitHub environments, manual triggers and release-only workflows as gates, and deploys that skip the tests', async () => {
    const ops = await operationsOfTree({
      '.github/workflows/ci.yml': 'on:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n  deploy:\n    needs: test\n    environment: { name: production, url: https://api.example.com }\n    runs-on: ubuntu-latest\n    steps:\n      - run: flyctl deploy\n',
      '.github/workflows/hotfix.yml': 'on: [push]\njobs:\n  ship:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: superfly/flyctl-actions@1.5\n        with:\n          args: deploy\n',
      '.github/workflows/release.yml': 'on:\n  release:\n    types: [published]\njobs:\n  ship:\n    runs-on: ubuntu-latest\n    steps:\n      - run: kubectl apply -f k8s/\n',
    });
    const deploys = ciDeployJobs(ops.ci).map((d) => `${d.pipeline.file}:${d.gate ?? 'ungated'}:${d.afterTests}`).sort();
    expect(deploys).toEqual(['.github/workflows/ci.yml:GitHub environment `production`:true', '.github/workflows/hotfix.yml:ungated:false', '.github/workflows/release.yml:runs only for releases / tags:false']);
  });

  it('follows npm scripts and Makefile recipes to the runner, and tells dependency audits from code scans (GitHub, GitLab, CircleCI, Jenkins)', async () => {
    const ops = await operationsOfTree({
      'package.json': JSON.stringify({ scripts: { test: 'npm run test:unit', 'test:unit': 'vitest run', lint: 'eslint .' } }, null, 2),
      Makefile: '.PHONY: check\ncheck:\n\t@python -m pytest -q\n\nlint:\n\truff check .\n',
      '.github/workflows/ci.yml': 'on: push\njobs:\n  web:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n      - run: npm test\n      - run: npm run lint\n  py:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          pip install -r requirements.txt\n          make check\n      - uses: pypa/gh-action-pip-audit@v1.1.0\n      - uses: github/codeql-action/analyze@v3\n',
      '.gitlab-ci.yml': 'test:\n  script:\n    - tox -e py312\naudit:\n  script: npm audit --audit-level=high\n',
      '.circleci/config.yml': 'version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/node:20.11\n    steps:\n      - checkout\n      - run:\n          name: tests\n          command: npx jest --ci\n',
      Jenkinsfile: "pipeline {\n  agent any\n  stages {\n    stage('Test') {\n      steps {\n        sh 'pytest --junitxml=out.xml'\n        sh \"bandit -r app\"\n      }\n    }\n  }\n}\n",
    });
    const runs = ciTestRuns(ops.ci).map((r) => `${r.file}:${r.line} ${r.tool}${r.via ? ` via ${r.via}` : ''}`);
    expect(runs).toEqual([
      '.circleci/config.yml:10 jest',
      '.github/workflows/ci.yml:8 vitest via npm script "test" → npm script "test:unit"',
      '.github/workflows/ci.yml:15 pytest via make check',
      '.gitlab-ci.yml:3 tox',
      'Jenkinsfile:6 pytest',
    ]);
    expect(ciDependencyAudits(ops.ci).map((a) => `${a.file}:${a.line} ${a.tool}`)).toEqual(['.github/workflows/ci.yml:16 pip-audit', '.gitlab-ci.yml:5 npm audit']);
    expect(ciSecurityScans(ops.ci).map((a) => `${a.file}:${a.line} ${a.tool}`)).toEqual(['.github/workflows/ci.yml:17 CodeQL', 'Jenkinsfile:7 Bandit']);
    expect(ops.ci.steps.find((s) => s.text === 'npm run lint')?.kinds).toEqual(['lint']);
  });

  it("does not count npm's placeholder test script as a test run, but trusts a `test` script it cannot read into", async () => {
    const placeholder = await operationsOfTree({
      'package.json': JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
      '.github/workflows/ci.yml': 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm ci\n      - run: npm test\n',
    });
    expect(ciTestRuns(placeholder.ci)).toEqual([]);
    const react = await operationsOfTree({
      'package.json': JSON.stringify({ scripts: { test: 'react-scripts test --watchAll=false' } }),
      '.github/workflows/ci.yml': 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm ci\n      - run: npm test\n',
    });
    expect(ciTestRuns(react.ci).map((r) => r.tool)).toEqual(['npm test']);
  });
});
