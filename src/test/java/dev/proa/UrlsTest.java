package dev.proa;

import dev.proa.config.Urls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import okhttp3.HttpUrl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A URL's printable form hides the password of its user info, and changes nothing else. */
class UrlsTest {

    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource(delimiter = '|', value = {
        "http://user:pw@host/q                  | http://user:xxxxx@host/q",
        "https://user:s3cr3t@10.0.0.1:8443/a?b=c | https://user:xxxxx@10.0.0.1:8443/a?b=c",
        "http://user:p%40ss@host/               | http://user:xxxxx@host/",
        "http://user:p@ss@host/                 | http://user:xxxxx@host/",
        "http://:pw@host/                       | http://:xxxxx@host/",
        "http://user@host/                      | http://user@host/",
        "http://user:@host/                     | http://user:@host/",
        "http://127.0.0.1:15020/quitquitquit    | http://127.0.0.1:15020/quitquitquit",
        "http://[::1]:80/x                      | http://[::1]:80/x",
        "http://host/a@b:c                      | http://host/a@b:c",
        "ftp://user:pw@host/file                | ftp://user:xxxxx@host/file",
        "ftp://user:p@ss@host/a@b               | ftp://user:xxxxx@host/a@b",
        "ftp://host:21/a@b                      | ftp://host:21/a@b",
        "not a url                              | not a url",
    })
    void hidesThePasswordOnly(String url, String printable) {
        assertEquals(printable, Urls.printable(url));
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed != null) assertEquals(HttpUrl.get(printable).toString(), Urls.printable(parsed));
    }
}
