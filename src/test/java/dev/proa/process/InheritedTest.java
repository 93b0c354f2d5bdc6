package dev.proa.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The blocks of /proc/self/cmdline and /proc/self/environ, split into the entries COMMAND gets, byte for byte. */
class InheritedTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            two entries                 | A=1~B=2~      | A=1,B=2
            a name twice, kept          | A=1~A=2~      | A=1,A=2
            an entry without '='        | A=1~NAME~     | A=1,NAME
            an empty entry, kept        | A=1~~B=2~     | A=1,,B=2
            no final NUL (a cut block)  | A=1~B=2       | A=1,B=2
            empty                       | ''            | ''
            """)
    void aBlockSplitsAtEachNul(String what, String block, String entries) {
        List<byte[]> split = Inherited.entries(block.replace('~', '\0').getBytes(StandardCharsets.ISO_8859_1));
        List<String> expected = entries.isEmpty() ? List.of() : List.of(entries.split(",", -1));
        assertEquals(expected, split.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList(), what);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not this JVM's arguments: as the Strings, encoded | no-such-argument-of-this-jvm
            """)
    void argumentsThatAreNotTheJvmsOwnAreTheStringsEncoded(String what, String argument) {
        assertEquals(List.of(argument), Inherited.argv(List.of(argument)).stream()
                .map(b -> new String(b, StandardCharsets.UTF_8)).toList(), what);
    }
}
