/* event.c: Sentinel events with their exact texts (spec §13).
 *
 * Method: an event is a type, a level and a text. Upstream's "%@" format
 * prefix becomes core__event_at()/core__event_atf(), which put the instance
 * identification of §13.1 first (so printf format checking still works);
 * the master part always uses the master record's address at emission
 * time. Events are outputs; logging, publishing (not for DEBUG) and
 * notification scripts are the driver's business.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

const char *core__announce_ip(const struct core__addr *a) {
    CORE_ASSERT(a != NULL);
    CORE_ASSERT(memchr(a->ip, '\0', sizeof(a->ip)) != NULL);
    return a->ip;
}

static const char *kind_name(uint32_t flags) {
    CORE_ASSERT((flags & CORE__F_KINDS) != 0);
    if (flags & CORE__F_MASTER) { return "master"; }
    if (flags & CORE__F_SLAVE) { return "slave"; }
    CORE_ASSERT(flags & CORE__F_SENTINEL);
    return "sentinel";
}

/* Writes the %@ identification of `inst` into buf; returns its length. */
static size_t identify(struct core_sentinel *s, uint32_t inst, char *buf, size_t cap) {
    struct core__inst *ri = core__inst(s, inst);
    int n;
    if (ri->flags & CORE__F_MASTER) {
        n = snprintf(buf, cap, "%s %s %s %u", kind_name(ri->flags), ri->name,
                     core__announce_ip(&ri->addr), ri->addr.port);
    } else {
        struct core__inst *m = core__minst(s, core__master_of(s, inst));
        n = snprintf(buf, cap, "%s %s %s %u @ %s %s %u", kind_name(ri->flags), ri->name,
                     core__announce_ip(&ri->addr), ri->addr.port, m->name,
                     core__announce_ip(&m->addr), m->addr.port);
    }
    CORE_ASSERT(n > 0);
    CORE_ASSERT((size_t)n < cap);
    return (size_t)n;
}

static void emit(struct core_sentinel *s,
                 enum core_level level,
                 const char *type,
                 uint32_t inst,
                 const char *text,
                 size_t len) {
    CORE_ASSERT(type != NULL);
    CORE_ASSERT(type[0] == '+' || type[0] == '-');
    struct core_output *o = core__out_push(s, CORE_OUT_EVENT);
    o->level = level;
    o->type = type;
    o->text = core__arena_strndup(s, text, len);
    o->text_len = len;
    if (inst != CORE__NONE) {
        struct core__inst *m = core__minst(s, core__master_of(s, inst));
        o->master = core__arena_strndup(s, m->name, strlen(m->name));
    }
}

static void emit_v(struct core_sentinel *s,
                   enum core_level level,
                   const char *type,
                   uint32_t inst,
                   bool at,
                   const char *fmt,
                   va_list ap) {
    char buf[CORE__TEXT_MAX];
    size_t len = at ? identify(s, inst, buf, sizeof(buf)) : 0;
    CORE_ASSERT(len < sizeof(buf));
    buf[len] = '\0';
    if (fmt != NULL) {
        int n = vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
        CORE_ASSERT(n >= 0);
        len += (size_t)n < sizeof(buf) - len ? (size_t)n : sizeof(buf) - len - 1;
    }
    emit(s, level, type, inst, buf, len);
}

void core__event(struct core_sentinel *s,
                 enum core_level level,
                 const char *type,
                 uint32_t inst,
                 const char *fmt,
                 ...) {
    CORE_ASSERT(fmt != NULL);
    CORE_ASSERT(s != NULL);
    va_list ap;
    va_start(ap, fmt);
    emit_v(s, level, type, inst, false, fmt, ap);
    va_end(ap);
}

void core__event_at(struct core_sentinel *s,
                    enum core_level level,
                    const char *type,
                    uint32_t inst) {
    char buf[CORE__TEXT_MAX];
    CORE_ASSERT(inst != CORE__NONE);
    size_t len = identify(s, inst, buf, sizeof(buf));
    emit(s, level, type, inst, buf, len);
}

void core__event_atf(struct core_sentinel *s,
                     enum core_level level,
                     const char *type,
                     uint32_t inst,
                     const char *fmt,
                     ...) {
    CORE_ASSERT(inst != CORE__NONE);
    CORE_ASSERT(fmt != NULL);
    va_list ap;
    va_start(ap, fmt);
    emit_v(s, level, type, inst, true, fmt, ap);
    va_end(ap);
}
