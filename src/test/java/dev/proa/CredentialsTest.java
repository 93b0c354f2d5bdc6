package dev.proa;

import dev.proa.kube.Credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CredentialsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            > Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.abc.def  | > Authorization: Bearer <masked>
            > authorization: bearer s3cret                         | > authorization: bearer <masked>
            > Authorization: Basic dXNlcjpwYXNz                    | > Authorization: Basic <masked>
            > Authorization: s3cret                                | > Authorization: <masked>
            > Proxy-Authorization: Basic dXNlcjpwYXNz              | > Proxy-Authorization: Basic <masked>
            > Cookie: session=abc; other=def                       | > Cookie: <masked>
            < Set-Cookie: session=abc; Path=/                      | < Set-Cookie: <masked>
            token sent as Bearer s3cret.token-value in a message   | token sent as Bearer <masked> in a message
            > Accept: application/json                             | > Accept: application/json
            > GET https://10.96.0.1/api/v1/namespaces/jobs/pods    | > GET https://10.96.0.1/api/v1/namespaces/jobs/pods
            """)
    void credentialsAreMaskedAndNothingElseIs(String line, String logged) {
        assertEquals(logged, Credentials.mask(line));
    }
}
