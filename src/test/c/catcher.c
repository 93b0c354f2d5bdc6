/*
 * COMMAND for SignalConformanceIT: catches every signal it can, and appends each one's number, one line per signal, to
 * the file named by its first argument, after a first line "ready" once it catches them. Exits 143 on SIGTERM, as if
 * SIGTERM had ended it. Its second argument, if any, goes to stdout first.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static int out;

static void caught(int signal) {
    char line[4];
    int n = 0;
    if (signal >= 10) line[n++] = (char) ('0' + signal / 10);
    line[n++] = (char) ('0' + signal % 10);
    line[n++] = '\n';
    if (write(out, line, n) != n) _exit(99);
    if (signal == SIGTERM) _exit(128 + SIGTERM);
}

int main(int argc, char **argv) {
    if (argc < 2) return 98;
    out = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out < 0) return 97;
    if (argc > 2 && write(1, argv[2], strlen(argv[2])) < 0) return 96;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = caught;
    sigfillset(&action.sa_mask); /* one handler at a time: whole lines, in the order delivered */
    for (int signal = 1; signal <= 64; signal++) sigaction(signal, &action, NULL);
    if (write(out, "ready\n", 6) != 6) return 95;
    for (;;) pause();
}
