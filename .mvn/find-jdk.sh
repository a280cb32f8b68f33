# Sourced by ./mvnw, ./kinfer and .ci/run: exports JAVA_HOME pointing at a JDK 21 or newer.
# Looks at JAVA_HOME first, then the usual install locations; says clearly when there is none.

kinfer_java_major() { # prints the feature version of the java binary $1
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

kinfer_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* \
      "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(kinfer_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "kinfer needs a JDK 21 or newer, and none was found (looked at JAVA_HOME=${JAVA_HOME:-unset}," >&2
  echo "/usr/lib/jvm, /opt/java, ~/.sdkman). Install one (e.g. Temurin 21) and set JAVA_HOME." >&2
  return 1
}
