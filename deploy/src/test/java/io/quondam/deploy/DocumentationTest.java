package io.quondam.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The README and the pages under docs/ say only what the repository does: its commands exist and take the options
 * shown, its links lead somewhere, every setting they name is read by the code, every setting a service reads is in
 * the configuration reference, and the Modules table is the module list of the root pom.
 */
class DocumentationTest {

    private static final Pattern SHELL_BLOCK = Pattern.compile("(?ms)^```sh\\n(.*?)^```");
    private static final Pattern SCRIPT_CALL =
            Pattern.compile("(?m)(?:^|[;&|(]\\s*)(scripts/[a-z0-9-]+\\.sh)([^\\n#]*)");
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])(--[a-z][a-z0-9-]*)");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(?:#[^)]*)?\\)");
    private static final Pattern SETTING = Pattern.compile("\\b((?:QUONDAM|DEMO|BENCH|CHAOS)_[A-Z0-9_]*)");

    /** Every main source and script, read once for all pages. */
    private static String codeAndScripts;

    static List<Path> pages() {
        var pages = new ArrayList<>(List.of(Repository.path("README.md"), Repository.path("SECURITY.md"),
                Repository.path("CONTRIBUTING.md")));
        pages.addAll(Repository.files(Repository.path("docs"), ".md"));
        return pages;
    }

    private static String readme() {
        return Repository.read(Repository.path("README.md"));
    }

    private static List<String> shellBlocks(String markdown) {
        var blocks = new ArrayList<String>();
        Matcher matcher = SHELL_BLOCK.matcher(markdown);
        while (matcher.find()) {
            blocks.add(matcher.group(1));
        }
        return blocks;
    }

    /** Runs a command in the repository root, as ScriptsTest does, and requires that it succeed. */
    private static String run(String... command) throws Exception {
        var result = ScriptsTest.run(Repository.root(), command);
        assertThat(result.exitCode()).as(String.join(" ", command) + ": " + result.output()).isZero();
        return result.output();
    }

    @Test
    void shouldKeepTheReadmeAGuideOfAtMost250Lines() {
        assertThat(readme().lines().count()).isLessThanOrEqualTo(250);
        assertThat(readme()).contains("scripts/demo.sh").contains("scripts/test.sh");
    }

    @Test
    void shouldGiveOnlyShellBlocksThatParse() throws Exception {
        var blocks = shellBlocks(readme());
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(4);
        for (String block : blocks) {
            run("bash", "-n", "-c", block);
        }
    }

    /** Each script the README runs answers --help, and every option the README passes to it is in that help. */
    @Test
    void shouldCallOnlyScriptsThatExistWithOptionsTheyTake() throws Exception {
        var calls = new TreeSet<String>();
        for (String block : shellBlocks(readme())) {
            Matcher call = SCRIPT_CALL.matcher(block.replace("\\\n", " "));
            while (call.find()) {
                String script = call.group(1);
                calls.add(script);
                assertThat(Repository.path(script)).as(script).isExecutable();
                String help = run("bash", script, "--help");
                Matcher option = OPTION.matcher(call.group(2));
                while (option.find()) {
                    assertThat(help).as(script + " --help").contains(option.group(1));
                }
            }
        }
        assertThat(calls).contains("scripts/demo.sh", "scripts/test.sh", "scripts/stack.sh");
        Matcher named = Pattern.compile("`(scripts/[a-z0-9-]+\\.sh)").matcher(readme());
        while (named.find()) {
            assertThat(Repository.path(named.group(1))).as(named.group(1)).isExecutable();
        }
    }

    @ParameterizedTest
    @MethodSource("pages")
    void shouldLinkOnlyToFilesThatExist(Path page) {
        Matcher link = LINK.matcher(Repository.read(page));
        while (link.find()) {
            String target = link.group(1);
            if (!target.matches("[a-z]+:.*")) {
                assertThat(page.getParent().resolve(target).normalize()).as(page + " links to " + target).exists();
            }
        }
    }

    /** A setting the docs name and no code reads is a setting a user would set in vain. */
    @ParameterizedTest
    @MethodSource("pages")
    void shouldNameOnlySettingsTheCodeReads(Path page) {
        var known = new TreeSet<String>();
        Matcher inCode = SETTING.matcher(codeAndScripts());
        while (inCode.find()) {
            known.add(inCode.group(1));
        }
        // Pass-through prefixes such as QUONDAM_STREAMS_; a bare QUONDAM_ would let any name through.
        var prefixes = known.stream().filter(name -> name.matches("[A-Z]+_[A-Z0-9]+_")).toList();
        var unknown = new TreeSet<String>();
        String text = Repository.read(page);
        Matcher inPage = SETTING.matcher(text);
        while (inPage.find()) {
            String name = inPage.group(1);
            boolean family = inPage.end() < text.length() && text.charAt(inPage.end()) == '*';
            if (family ? known.stream().noneMatch(k -> k.startsWith(name))
                    : !known.contains(name) && prefixes.stream().noneMatch(name::startsWith)) {
                unknown.add(name);
            }
        }
        assertThat(unknown).as(page.getFileName() + " names settings no code or script reads").isEmpty();
    }

    @Test
    void shouldListEverySettingOfEveryServiceInTheConfigurationReference() {
        String reference = Repository.read(Repository.path("docs/configuration.md"));
        for (String service : List.of("dedup-processor", "key-api", "payments-consumer", "redis-guard")) {
            var sources = ServiceSources.of(service);
            assertThat(sources.settings()).as(service).isNotEmpty();
            for (String setting : sources.settings()) {
                assertThat(reference).as(service + " reads " + setting).contains("`" + setting + "`");
            }
        }
    }

    @Test
    void shouldListTheModulesOfTheRootPomInTheReadme() {
        var pomModules = new LinkedHashSet<String>();
        Matcher module = Pattern.compile("<module>([^<]+)</module>")
                .matcher(Repository.read(Repository.path("pom.xml")));
        while (module.find()) {
            pomModules.add(module.group(1));
        }
        String table = readme().substring(readme().indexOf("## Modules"));
        table = table.substring(0, table.indexOf("\n## ", 4));
        Set<String> listed = new LinkedHashSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z-]+)` \\|").matcher(table);
        while (row.find()) {
            listed.add(row.group(1));
        }
        assertThat(listed).containsExactlyInAnyOrderElementsOf(pomModules);
    }

    private static String codeAndScripts() {
        if (codeAndScripts == null) {
            codeAndScripts = readCodeAndScripts();
        }
        return codeAndScripts;
    }

    private static String readCodeAndScripts() {
        var text = new StringBuilder();
        try (Stream<Path> modules = Files.list(Repository.root())) {
            modules.filter(dir -> Files.isDirectory(dir.resolve("src/main"))).forEach(dir -> Repository
                    .files(dir.resolve("src/main"), ".java", ".sh", ".properties")
                    .forEach(file -> text.append(Repository.read(file)).append('\n')));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Repository.files(Repository.path("scripts"), ".sh").forEach(file -> text.append(Repository.read(file)));
        return text.toString();
    }
}
