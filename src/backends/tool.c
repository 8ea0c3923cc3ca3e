/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>

#include "backends/tool.h"
#include "shared/macros.h"

extern char **environ;

#define TOOL_STDERR_MAX 4096

/* Reads a tool's standard error to its end, keeping the first max - 1 bytes. */
static size_t tool_read_stderr(int fd, char *buf, size_t max) {
        size_t len = 0;
        char drain[512];

        for (;;) {
                char *to = len < max - 1 ? buf + len : drain;
                size_t room = len < max - 1 ? max - 1 - len : sizeof(drain);
                ssize_t n = read(fd, to, room);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                if (to != drain)
                        len += (size_t) n;
        }
        buf[len] = '\0';
        return len;
}

/* A tool's message on one line: it becomes the reason of an error shown to a user. */
static char *tool_message(char *text, int status) {
        size_t len = strlen(text);

        while (len > 0 && strchr(" \t\r\n", text[len - 1]))
                text[--len] = '\0';
        for (char *p = text; *p; p++)
                if (*p == '\n' || *p == '\r')
                        *p = ' ';
        if (len > 0)
                return xstrdup(text);
        if (WIFEXITED(status))
                return xasprintf("exited with status %d", WEXITSTATUS(status));
        return xasprintf("killed by signal %d", WTERMSIG(status));
}

int tool_spawn(int cwd_fd, int stderr_fd, char *const *argv, pid_t *ret_pid) {
        posix_spawn_file_actions_t actions;
        posix_spawnattr_t attr;
        sigset_t set;
        int r;

        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, stderr_fd, STDERR_FILENO);
        if (cwd_fd >= 0)
                posix_spawn_file_actions_addfchdir_np(&actions, cwd_fd);
        posix_spawnattr_init(&attr);
        /* The daemon blocks signals for its event loop; a tool must not inherit that. */
        sigemptyset(&set);
        posix_spawnattr_setsigmask(&attr, &set);
        sigfillset(&set);
        posix_spawnattr_setsigdefault(&attr, &set);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        r = posix_spawnp(ret_pid, argv[0], &actions, &attr, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
        return -r;
}

int tool_run(int cwd_fd, char *const *argv, char **ret_message) {
        _cleanup_close_ int rfd = -1, wfd = -1;
        char buf[TOOL_STDERR_MAX];
        int fds[2], status, r;
        pid_t pid;

        *ret_message = NULL;
        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        rfd = fds[0];
        wfd = fds[1];
        r = tool_spawn(cwd_fd, wfd, argv, &pid);
        if (r < 0)
                return r;
        close(TAKE_FD(wfd));
        tool_read_stderr(rfd, buf, sizeof(buf));
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        *ret_message = tool_message(buf, status);
        return -EIO;
}

void args_add(Args *a, const char *s) {
        a->v = xrealloc(a->v, sizeof(char *) * (a->n + 2));
        a->v[a->n++] = xstrdup(s);
        a->v[a->n] = NULL;
}

void args_done(Args *a) {
        for (size_t i = 0; i < a->n; i++)
                free(a->v[i]);
        free(a->v);
        *a = (Args){};
}
