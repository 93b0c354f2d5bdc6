/*
 * COMMAND for the image tests (ImagesIT): prints its environment ("env NAME=VALUE") and the files mapped into it
 * ("map PATH": its loader and C library among them), then exits with the status given as its first argument.
 * Built by the test as a static, a musl and a glibc program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
    for (char **variable = environ; *variable != NULL; variable++) printf("env %s\n", *variable);
    FILE *maps = fopen("/proc/self/maps", "r");
    if (maps == NULL) {
        perror("probe: /proc/self/maps");
        return 99;
    }
    char line[4096];
    while (fgets(line, sizeof line, maps) != NULL) {
        char *path = strchr(line, '/');
        if (path != NULL) printf("map %s", path);
    }
    fclose(maps);
    return argc > 1 ? atoi(argv[1]) : 0;
}
