#!/usr/bin/env bash
# The audit step of the shipgate GitHub Action (action.yml). Writes the reports into the output
# folder, the step outputs (verdict, score, grade, file paths, exit-code) and the summary on the job
# page. It exits 0 when the audit ran — also when --fail-on was hit — so the SARIF upload and the
# pull-request comment still run; the action's last step enforces the gate with `exit-code`.
# Inputs arrive as environment variables (never interpolated into the script: no injection).
set -euo pipefail

shipgate() { node "$GITHUB_ACTION_PATH/bin/shipgate.js" "$@"; }

out="${INPUT_OUTPUT_DIR:-shipgate-report}"
mkdir -p "$out"
formats="${INPUT_FORMAT:-all}"
# The summary and the JSON result are what the next steps read; SARIF comes with `all`.
if [ "$formats" != all ]; then formats="$formats,json,summary"; fi

args=(audit "${INPUT_PATH:-.}" --format "$formats" --out "$out" --no-color)
if [ -n "${INPUT_FAIL_ON:-}" ]; then args+=(--fail-on "$INPUT_FAIL_ON"); fi
if [ -n "${INPUT_BASELINE:-}" ]; then args+=(--baseline "$INPUT_BASELINE"); fi
if [ -n "${INPUT_CHANGED_SINCE:-}" ]; then args+=(--changed-since "$INPUT_CHANGED_SINCE"); fi
if [ -n "${INPUT_CONFIG:-}" ]; then args+=(--config "$INPUT_CONFIG"); fi
# A CI checkout is thrown away after the job: recording history there would only cost time.
if [ "${INPUT_HISTORY:-false}" != true ]; then args+=(--no-history); fi

set +e
shipgate "${args[@]}"
code=$?
set -e
if [ "$code" -ge 2 ]; then
  echo "::error title=shipgate::the audit could not run (exit code $code); the message is in the log above"
  exit "$code"
fi

json="$out/shipgate-report.json"
summary="$out/shipgate-summary.md"
sarif=""
for file in "$out"/*.sarif; do
  if [ -f "$file" ]; then sarif="$file"; break; fi
done
{
  echo "exit-code=$code"
  echo "report-dir=$out"
  echo "json-file=$json"
  echo "summary-file=$summary"
  echo "sarif-file=$sarif"
  node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).summary;
    console.log(`verdict=${s.verdict}\nscore=${s.score}\ngrade=${s.grade}\nsecurity-grade=${s.securityGrade}`);
  ' "$json"
} >> "${GITHUB_OUTPUT:-/dev/null}"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$summary" >> "$GITHUB_STEP_SUMMARY"; fi
if [ "$code" -eq 1 ]; then
  echo "::error title=shipgate::open findings at or above --fail-on ${INPUT_FAIL_ON:-}${INPUT_BASELINE:+ that are not in the baseline}${INPUT_CHANGED_SINCE:+ in the changed files}; see the job summary"
fi
exit 0
