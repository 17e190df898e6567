# Sourced by every script in scripts/: one way to print help, to name missing tools and to build a module and cache
# its class path. The functions find the repository from this file's own path, not from the current directory.

quondam_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Prints the calling script's help: its header comment, from the line after the shebang to the first line that is
# not a comment.
print_help() {
  sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
}

# Prints the help and exits when the script's first argument asks for it: handle_help "$@".
handle_help() {
  case "${1:-}" in
    -h|--help) print_help; exit 0 ;;
  esac
}

# Exits with status 2 (a usage error), the message on standard error after the script's name.
die() {
  echo "$(basename "$0"): $*" >&2
  exit 2
}

# Exits with status 1, naming every tool among the arguments that is not on PATH.
require_tools() {
  local missing=() tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if (( ${#missing[@]} > 0 )); then
    echo "$(basename "$0"): missing on PATH: ${missing[*]}" >&2
    exit 1
  fi
}

# Runs Maven quietly in the repository root; when it fails, prints its output and exits with its status.
quiet_maven() {
  local log status=0
  log="$(mktemp)"
  (cd "$quondam_root" && mvn -B -Dstyle.color=never "$@") >"$log" 2>&1 || status=$?
  if (( status != 0 )); then
    grep -E '^\[(ERROR|WARNING)\]' "$log" >&2 || cat "$log" >&2
    rm -f "$log"
    echo "$(basename "$0"): the build failed (mvn $*)" >&2
    exit "$status"
  fi
  rm -f "$log"
}

# True when FILE is missing or any pom, main source or resource of the repository is newer than it.
sources_newer_than() {
  [[ ! -e "$1" ]] || [[ -n "$(find "$quondam_root" \( -name .stack -o -name target -o -name .git \) -prune \
    -o -type f \( -name pom.xml -o -path '*/src/main/*' \) -newer "$1" -print -quit)" ]]
}

# Packages MODULE and the modules it depends on, without building tests or checking layout (a long line must not stop
# a demo); extra Maven arguments run in the same build: build_module MODULE [ARGUMENTS...].
build_module() {
  local module=$1
  shift
  echo "$(basename "$0"): building $module (mvn package, tests not built)..." >&2
  quiet_maven -pl "$module" -am package -Dmaven.test.skip=true -Dcheckstyle.skip "$@"
}

# Builds MODULE and the modules it depends on (mvn package, tests not built) when its classes or its cached class path
# are missing or older than the sources, and sets MODULE_CLASSPATH to its classes and all its dependencies.
module_classpath() {
  local module=$1
  local cache="$quondam_root/.stack/classpath-$module.txt"
  if [[ ! -d "$quondam_root/$module/target/classes" ]] || sources_newer_than "$cache"; then
    mkdir -p "$quondam_root/.stack"
    build_module "$module" dependency:build-classpath -Dmdep.outputFile="$cache"
    touch "$cache" # the plugin leaves an unchanged file untouched
  fi
  MODULE_CLASSPATH="$quondam_root/$module/target/classes:$(cat "$cache")"
}

# Replaces the shell with a main class of MODULE on its class path, built first if needed:
# run_main MODULE HEAP MAIN_CLASS [ARGUMENTS...]. Logs at WARN and above; the class prints what matters itself.
run_main() {
  local module=$1 heap=$2 main=$3
  shift 3
  require_tools java mvn
  module_classpath "$module"
  cd "$quondam_root"
  exec java "-Xmx$heap" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$MODULE_CLASSPATH" "$main" "$@"
}

# Builds MODULE's runnable jar (mvn package, tests not built) when it is missing or older than the sources, and sets
# MODULE_JAR to its path.
module_jar() {
  local module=$1
  MODULE_JAR="$(ls "$quondam_root/$module"/target/"$module"-*-all.jar 2>/dev/null | head -n 1 || true)"
  if [[ -z "$MODULE_JAR" ]] || sources_newer_than "$MODULE_JAR"; then
    build_module "$module"
    MODULE_JAR="$(ls "$quondam_root/$module"/target/"$module"-*-all.jar | head -n 1)"
  fi
}
