/* serve_cmds.c: the connection-level commands the listener answers itself
 * (AUTH, HELLO, QUIT, CLIENT, COMMAND COUNT, Pub/Sub) and the gatekeeping
 * every request passes (authentication, subscribed-mode restrictions).
 *
 * Method: these commands are about the connection, not about Sentinel's
 * state, so the core does not model them; the replies follow Redis 7.0's
 * wording. Everything else goes to the core through the command callback.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "real/check.h"
#include "real/serve_client.h"
#include "real/sys.h"

/* Commands in Sentinel mode's table (spec §12: COMMAND COUNT is 15). */
#define SENTINEL_COMMAND_COUNT 15

static bool is(const char *word, const char *lower) {
    return strcasecmp(word, lower) == 0;
}

__attribute__((format(printf, 2, 3))) static void error_fmt(struct real__serve_client *c,
                                                            const char *fmt,
                                                            ...) {
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    real_resp_error(&c->out, msg);
}

static void arity_error(struct real__serve_client *c, const char *cmd) {
    error_fmt(c, "ERR wrong number of arguments for '%s' command", cmd);
}

/* ---------------------------------------------------------------- glob */

/* Matches one pattern element at p[*pi] against c; advances *pi past it. */
static bool glob_one(const char *p, size_t plen, size_t *pi, char c) {
    size_t i = *pi;
    if (p[i] == '?') {
        *pi = i + 1;
        return true;
    }
    if (p[i] == '\\' && i + 1 < plen) {
        *pi = i + 2;
        return p[i + 1] == c;
    }
    if (p[i] != '[') {
        *pi = i + 1;
        return p[i] == c;
    }
    i++;
    bool negate = i < plen && p[i] == '^';
    if (negate) { i++; }
    bool hit = false;
    while (i < plen && p[i] != ']') {
        if (p[i] == '\\' && i + 1 < plen) {
            hit |= p[i + 1] == c;
            i += 2;
        } else if (i + 2 < plen && p[i + 1] == '-' && p[i + 2] != ']') {
            unsigned char lo = (unsigned char)p[i], hi = (unsigned char)p[i + 2];
            if (lo > hi) {
                unsigned char t = lo;
                lo = hi;
                hi = t;
            }
            hit |= (unsigned char)c >= lo && (unsigned char)c <= hi;
            i += 3;
        } else {
            hit |= p[i] == c;
            i++;
        }
    }
    *pi = i < plen ? i + 1 : i;
    return hit != negate;
}

bool real__serve_glob(const char *p, size_t plen, const char *s, size_t slen) {
    size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;
    while (si < slen) {
        if (pi < plen && p[pi] == '*') {
            star_p = pi++;
            star_s = si;
            continue;
        }
        size_t next = pi;
        if (pi < plen && glob_one(p, plen, &next, s[si])) {
            pi = next;
            si++;
            continue;
        }
        if (star_p == SIZE_MAX) { return false; }
        pi = star_p + 1;
        si = ++star_s;
    }
    while (pi < plen && p[pi] == '*') {
        pi++;
    }
    return pi == plen;
}

/* ---------------------------------------------------------------- pub/sub */

static size_t find_sub(const struct real__serve_client *c,
                       const char *name,
                       size_t len,
                       bool pattern) {
    for (size_t i = 0; i < c->subs_len; i++) {
        const struct real__serve_sub *sub = &c->subs[i];
        if (sub->pattern == pattern && sub->len == len && memcmp(sub->name, name, len) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}

static void sub_reply(struct real__serve_client *c,
                      const char *kind,
                      const char *name,
                      size_t len) {
    real_resp_array(&c->out, 3);
    real_resp_bulk(&c->out, kind, strlen(kind));
    if (name != NULL) {
        real_resp_bulk(&c->out, name, len);
    } else {
        real_resp_buf_append(&c->out, "$-1\r\n", 5);
    }
    real_resp_integer(&c->out, (int64_t)c->subs_len);
}

static void subscribe(struct real_serve *s,
                      struct real__serve_client *c,
                      uint32_t argc,
                      const char *const *argv,
                      const size_t *argv_len,
                      bool pattern) {
    for (uint32_t i = 1; i < argc; i++) {
        if (find_sub(c, argv[i], argv_len[i], pattern) == SIZE_MAX) {
            if (c->subs_len == REAL_SERVE_SUBS_MAX) {
                real_resp_error(&c->out, "ERR too many subscriptions for this client");
                c->close_after_reply = true;
                return;
            }
            if (c->subs_len == c->subs_cap) {
                c->subs_cap = c->subs_cap == 0 ? 8 : c->subs_cap * 2;
                c->subs = real_resp_xrealloc(c->subs, c->subs_cap * sizeof(*c->subs));
            }
            struct real__serve_sub *sub = &c->subs[c->subs_len++];
            sub->name = real_resp_xmalloc(argv_len[i] + 1);
            memcpy(sub->name, argv[i], argv_len[i] + 1);
            sub->len = argv_len[i];
            sub->pattern = pattern;
        }
        sub_reply(c, pattern ? "psubscribe" : "subscribe", argv[i], argv_len[i]);
    }
    real__serve_check_out(s, c);
}

static void drop_sub(struct real__serve_client *c, size_t i) {
    free(c->subs[i].name);
    memmove(&c->subs[i], &c->subs[i + 1], (c->subs_len - i - 1) * sizeof(*c->subs));
    c->subs_len--;
}

static void unsubscribe(struct real__serve_client *c,
                        uint32_t argc,
                        const char *const *argv,
                        const size_t *argv_len,
                        bool pattern) {
    const char *kind = pattern ? "punsubscribe" : "unsubscribe";
    if (argc > 1) {
        for (uint32_t i = 1; i < argc; i++) {
            size_t at = find_sub(c, argv[i], argv_len[i], pattern);
            if (at != SIZE_MAX) { drop_sub(c, at); }
            sub_reply(c, kind, argv[i], argv_len[i]);
        }
        return;
    }
    bool any = false;
    for (size_t i = 0; i < c->subs_len;) {
        if (c->subs[i].pattern != pattern) {
            i++;
            continue;
        }
        /* Report the name after it left the list, so the count is right. */
        struct real__serve_sub gone = c->subs[i];
        memmove(&c->subs[i], &c->subs[i + 1], (c->subs_len - i - 1) * sizeof(*c->subs));
        c->subs_len--;
        sub_reply(c, kind, gone.name, gone.len);
        free(gone.name);
        any = true;
    }
    if (!any) { sub_reply(c, kind, NULL, 0); }
}

/* ---------------------------------------------------------------- AUTH, HELLO */

/* Checks credentials for the default user. Returns 0 or -1 (reply written). */
static int check_auth(struct real_serve *s,
                      struct real__serve_client *c,
                      const char *user,
                      const char *pass,
                      size_t pass_len) {
    bool ok = (user == NULL || strcmp(user, "default") == 0) &&
              (s->requirepass == NULL ||
               (strlen(s->requirepass) == pass_len && memcmp(s->requirepass, pass, pass_len) == 0));
    if (!ok) {
        real_resp_error(&c->out, "WRONGPASS invalid username-password pair or user is disabled.");
        return -1;
    }
    c->authed = true;
    return 0;
}

static void cmd_auth(struct real_serve *s,
                     struct real__serve_client *c,
                     uint32_t argc,
                     const char *const *argv,
                     const size_t *argv_len) {
    if (argc != 2 && argc != 3) {
        arity_error(c, "auth");
        return;
    }
    if (argc == 2 && s->requirepass == NULL) {
        real_resp_error(&c->out, "ERR AUTH <password> called without any password configured "
                                 "for the default user. Are you sure your configuration is "
                                 "correct?");
        return;
    }
    const char *user = argc == 3 ? argv[1] : NULL;
    if (check_auth(s, c, user, argv[argc - 1], argv_len[argc - 1]) == 0) {
        real_resp_status(&c->out, "OK");
    }
}

static bool valid_client_name(const char *name, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '!' || name[i] > '~') { return false; }
    }
    return true;
}

static void set_name(struct real__serve_client *c, const char *name, size_t len) {
    free(c->name);
    c->name = NULL;
    if (len == 0) { return; }
    c->name = real_resp_xmalloc(len + 1);
    memcpy(c->name, name, len);
    c->name[len] = '\0';
}

static void hello_map(struct real__serve_client *c) {
    real_resp_array(&c->out, 14);
    static const char *const pairs[] = {"server", "redis", "version", CORE_VERSION};
    for (size_t i = 0; i < 4; i++) {
        real_resp_bulk(&c->out, pairs[i], strlen(pairs[i]));
    }
    real_resp_bulk(&c->out, "proto", 5);
    real_resp_integer(&c->out, 2);
    real_resp_bulk(&c->out, "id", 2);
    real_resp_integer(&c->out, (int64_t)c->id);
    real_resp_bulk(&c->out, "mode", 4);
    real_resp_bulk(&c->out, "sentinel", 8);
    real_resp_bulk(&c->out, "role", 4);
    real_resp_bulk(&c->out, "master", 6);
    real_resp_bulk(&c->out, "modules", 7);
    real_resp_array(&c->out, 0);
}

/* HELLO [protover [AUTH user pass] [SETNAME name]]; only RESP2 is spoken. */
static void cmd_hello(struct real_serve *s,
                      struct real__serve_client *c,
                      uint32_t argc,
                      const char *const *argv,
                      const size_t *argv_len) {
    if (argc >= 2) {
        char *end;
        long ver = strtol(argv[1], &end, 10);
        if (*end != '\0' || argv_len[1] == 0) {
            real_resp_error(&c->out, "ERR Protocol version is not an integer or out of range");
            return;
        }
        if (ver != 2) {
            real_resp_error(&c->out, "NOPROTO unsupported protocol version");
            return;
        }
    }
    const char *user = NULL, *pass = NULL, *name = NULL;
    size_t pass_len = 0, name_len = 0;
    for (uint32_t i = 2; i < argc; i++) {
        if (is(argv[i], "auth") && i + 2 < argc) {
            user = argv[i + 1];
            pass = argv[i + 2];
            pass_len = argv_len[i + 2];
            i += 2;
        } else if (is(argv[i], "setname") && i + 1 < argc) {
            name = argv[i + 1];
            name_len = argv_len[i + 1];
            i++;
        } else {
            error_fmt(c, "ERR Syntax error in HELLO option '%s'", argv[i]);
            return;
        }
    }
    if (pass != NULL && check_auth(s, c, user, pass, pass_len) != 0) { return; }
    if (!c->authed) {
        real_resp_error(&c->out, "NOAUTH HELLO must be called with the client already "
                                 "authenticated, otherwise the HELLO <proto> AUTH <user> <pass> "
                                 "option can be used to authenticate the client and select the "
                                 "RESP protocol version at the same time");
        return;
    }
    if (name != NULL) {
        if (!valid_client_name(name, name_len)) {
            real_resp_error(&c->out, "ERR Client names cannot contain spaces, newlines or "
                                     "special characters.");
            return;
        }
        set_name(c, name, name_len);
    }
    hello_map(c);
}

/* ---------------------------------------------------------------- CLIENT */

static void client_line(struct real__serve_client *c, struct real_resp_buf *b, uint64_t now) {
    size_t channels = 0;
    for (size_t i = 0; i < c->subs_len; i++) {
        channels += c->subs[i].pattern ? 0 : 1;
    }
    real_resp_buf_printf(
        b,
        "id=%llu addr=%s laddr=%s fd=%d name=%s age=%llu idle=%llu flags=%s db=0 sub=%zu "
        "psub=%zu qbuf=%zu obl=0 oll=0 omem=%zu cmd=%s user=default resp=2\n",
        (unsigned long long)c->id, c->addr, c->laddr, c->fd, c->name ? c->name : "",
        (unsigned long long)((now - c->created_ms) / 1000),
        (unsigned long long)((now - c->last_ms) / 1000), c->subs_len > 0 ? "P" : "N", channels,
        c->subs_len - channels, c->query.len, c->out.len, c->last_cmd);
}

/* CLIENT KILL <addr> or CLIENT KILL [ID id] [ADDR addr] [LADDR addr] [SKIPME yes|no]. */
static void client_kill(struct real_serve *s,
                        struct real__serve_client *c,
                        uint32_t argc,
                        const char *const *argv) {
    const char *addr = NULL, *laddr = NULL;
    unsigned long long id = 0;
    bool skipme = true, old_form = argc == 3;
    if (old_form) {
        addr = argv[2];
        skipme = false;
    }
    for (uint32_t i = 2; !old_form && i < argc; i += 2) {
        if (i + 1 >= argc) {
            real_resp_error(&c->out, "ERR syntax error");
            return;
        }
        if (is(argv[i], "id")) {
            char *end;
            id = strtoull(argv[i + 1], &end, 10);
            if (*end != '\0' || id == 0) {
                real_resp_error(&c->out, "ERR client-id should be greater than 0");
                return;
            }
        } else if (is(argv[i], "addr")) {
            addr = argv[i + 1];
        } else if (is(argv[i], "laddr")) {
            laddr = argv[i + 1];
        } else if (is(argv[i], "skipme") && (is(argv[i + 1], "yes") || is(argv[i + 1], "no"))) {
            skipme = is(argv[i + 1], "yes");
        } else {
            real_resp_error(&c->out, "ERR syntax error");
            return;
        }
    }
    long long killed = 0;
    for (size_t i = 0; i < s->clients_len; i++) {
        struct real__serve_client *t = s->clients[i];
        if ((id != 0 && t->id != id) || (addr != NULL && strcmp(t->addr, addr) != 0) ||
            (laddr != NULL && strcmp(t->laddr, laddr) != 0) || (skipme && t == c)) {
            continue;
        }
        /* The caller still gets its reply before it goes. */
        if (t == c) {
            t->close_after_reply = true;
        } else {
            t->close_asap = true;
        }
        killed++;
    }
    if (!old_form) {
        real_resp_integer(&c->out, killed);
    } else if (killed == 0) {
        real_resp_error(&c->out, "ERR No such client");
    } else {
        real_resp_status(&c->out, "OK");
    }
}

static void cmd_client(struct real_serve *s,
                       struct real__serve_client *c,
                       uint32_t argc,
                       const char *const *argv,
                       const size_t *argv_len) {
    if (argc < 2) {
        arity_error(c, "client");
        return;
    }
    const char *sub = argv[1];
    if (is(sub, "id") && argc == 2) {
        real_resp_integer(&c->out, (int64_t)c->id);
    } else if (is(sub, "setname") && argc == 3) {
        if (!valid_client_name(argv[2], argv_len[2])) {
            real_resp_error(&c->out, "ERR Client names cannot contain spaces, newlines or "
                                     "special characters.");
            return;
        }
        set_name(c, argv[2], argv_len[2]);
        real_resp_status(&c->out, "OK");
    } else if (is(sub, "getname") && argc == 2) {
        if (c->name != NULL) {
            real_resp_bulk(&c->out, c->name, strlen(c->name));
        } else {
            real_resp_buf_append(&c->out, "$-1\r\n", 5);
        }
    } else if ((is(sub, "list") && argc == 2) || (is(sub, "info") && argc == 2)) {
        struct real_resp_buf text = {0};
        uint64_t now = real__now_ms();
        for (size_t i = 0; i < s->clients_len; i++) {
            if (is(sub, "list") || s->clients[i] == c) { client_line(s->clients[i], &text, now); }
        }
        real_resp_bulk(&c->out, text.data, text.len);
        real_resp_buf_free(&text);
    } else if (is(sub, "kill") && argc >= 3) {
        client_kill(s, c, argc, argv);
    } else if (is(sub, "setname") || is(sub, "getname") || is(sub, "id") || is(sub, "list") ||
               is(sub, "info")) {
        char cmd[64];
        snprintf(cmd, sizeof(cmd), "client|%s", sub);
        for (char *p = cmd; *p; p++) {
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        }
        arity_error(c, cmd);
    } else {
        error_fmt(c, "ERR unknown subcommand '%.128s'. Try CLIENT HELP.", sub);
    }
}

/* ---------------------------------------------------------------- dispatch */

static bool is_pubsub_cmd(const char *name) {
    return is(name, "subscribe") || is(name, "psubscribe") || is(name, "unsubscribe") ||
           is(name, "punsubscribe");
}

/* Answers the commands a client may send before authenticating or while
 * subscribed; returns false when the request is for someone else. */
static bool local_command(struct real_serve *s,
                          struct real__serve_client *c,
                          uint32_t argc,
                          const char *const *argv,
                          const size_t *argv_len) {
    const char *name = argv[0];
    if (is(name, "quit")) {
        real_resp_status(&c->out, "OK");
        c->close_after_reply = true;
    } else if (is(name, "auth")) {
        cmd_auth(s, c, argc, argv, argv_len);
    } else if (is(name, "hello")) {
        cmd_hello(s, c, argc, argv, argv_len);
    } else if (is(name, "subscribe") || is(name, "psubscribe")) {
        if (argc < 2) {
            arity_error(c, is(name, "subscribe") ? "subscribe" : "psubscribe");
        } else {
            subscribe(s, c, argc, argv, argv_len, is(name, "psubscribe"));
        }
    } else if (is(name, "unsubscribe") || is(name, "punsubscribe")) {
        unsubscribe(c, argc, argv, argv_len, is(name, "punsubscribe"));
    } else if (is(name, "ping") && c->subs_len > 0) {
        if (argc > 2) {
            arity_error(c, "ping");
        } else {
            real_resp_array(&c->out, 2);
            real_resp_bulk(&c->out, "pong", 4);
            real_resp_bulk(&c->out, argc == 2 ? argv[1] : "", argc == 2 ? argv_len[1] : 0);
        }
    } else if (is(name, "client")) {
        cmd_client(s, c, argc, argv, argv_len);
    } else if (is(name, "command") && argc == 2 && is(argv[1], "count")) {
        real_resp_integer(&c->out, SENTINEL_COMMAND_COUNT);
    } else {
        return false;
    }
    return true;
}

void real__serve_dispatch(struct real_serve *s,
                          struct real__serve_client *c,
                          uint32_t argc,
                          const char *const *argv,
                          const size_t *argv_len) {
    REAL_ASSERT(argc > 0);
    REAL_ASSERT(!c->close_asap);
    snprintf(c->last_cmd, sizeof(c->last_cmd), "%s", argv[0]);
    for (char *p = c->last_cmd; *p; p++) {
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    }
    const char *name = argv[0];
    if (!c->authed && !is(name, "auth") && !is(name, "hello") && !is(name, "quit")) {
        real_resp_error(&c->out, "NOAUTH Authentication required.");
    } else if (c->subs_len > 0 && !is_pubsub_cmd(name) && !is(name, "ping") && !is(name, "quit")) {
        error_fmt(c,
                  "ERR Can't execute '%.64s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
                  "QUIT / RESET are allowed in this context",
                  c->last_cmd);
    } else if (!local_command(s, c, argc, argv, argv_len)) {
        s->cbs.command_cb(s->cbs.ud, c->id, argc, argv, argv_len);
    }
    real__serve_check_out(s, c);
}
