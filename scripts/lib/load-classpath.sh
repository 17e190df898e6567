# Sourced by the scripts that run the load module (demo, bench): builds Quondam when the classes are missing or
# older than the sources, and sets LOAD_CLASSPATH to the load module's classes and dependencies.
# Expects the repository root as the current directory.

load_classpath() {
  for tool in java mvn; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is not on PATH (needs Java 17 and Maven)" >&2; exit 1; }
  done
  mkdir -p .stack
  local classpath_file=.stack/load-classpath.txt
  if [[ ! -s "$classpath_file" || ! -d load/target/classes ]] \
     || [[ -n "$(find . -path ./.stack -prune -o \( -name '*.java' -o -name 'pom.xml' -o -name '*.sql' -o -name '*.lua' \) -newer "$classpath_file" -print -quit)" ]]; then
    echo "building Quondam (mvn install, tests skipped)..."
    mvn -B -q -Dstyle.color=never install -DskipTests
    mvn -B -q -Dstyle.color=never -f load/pom.xml dependency:build-classpath -Dmdep.outputFile="$PWD/$classpath_file" >/dev/null
    touch "$classpath_file" # the plugin leaves an unchanged file untouched
  fi
  LOAD_CLASSPATH="load/target/classes:$(cat "$classpath_file")"
}
