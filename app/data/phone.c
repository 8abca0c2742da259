/* phone.c - telephone numbers grouped as Chinese residents read them. */
#include "phone.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Join the groups of d (lengths g[], 0-terminated) with hyphens. */
static size_t grouped(const char *d, const int *g, char *out, size_t n)
{
    char buf[64];
    size_t k = 0;
    for (int i = 0; g[i]; i++) {
        if (i)
            buf[k++] = '-';
        memcpy(buf + k, d, (size_t)g[i]);
        k += (size_t)g[i];
        d += g[i];
    }
    buf[k] = '\0';
    snprintf(out, n, "%s", buf);
    return k < n ? k : n - 1;
}

static size_t as_written(const char *s, char *out, size_t n)
{
    size_t len = strlen(s);
    snprintf(out, n, "%s", s);
    return len < n ? len : n - 1;
}

size_t phone_format(const char *s, char *out, size_t n)
{
    if (n == 0)
        return 0;
    if (strncmp(s, "tel:", 4) == 0)
        s += 4;
    char d[24];
    size_t nd = 0;
    int plus = 0;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (nd + 1 >= sizeof d)
                return as_written(s, out, n);
            d[nd++] = *p;
        } else if (*p == '+' && nd == 0 && !plus) {
            plus = 1;
        } else if (!strchr("-. ()", *p)) {
            return as_written(s, out, n);
        }
    }
    d[nd] = '\0';
    const char *x = d;
    int intl = plus;
    if (!plus && strncmp(d, "00", 2) == 0) {
        intl = 1;
        x += 2;
    }
    char nat[24];
    if (intl) {
        if (strncmp(x, "86", 2) != 0)
            return as_written(s, out, n);   /* another country: as the office wrote it */
        x += 2;
        /* The domestic form: a landline gets its trunk 0 back. */
        size_t xl = strlen(x);
        bool mobile = xl == 11 && x[0] == '1';
        bool service = xl == 10 && (strncmp(x, "400", 3) == 0 || strncmp(x, "800", 3) == 0);
        if (mobile || service || x[0] == '0')
            snprintf(nat, sizeof nat, "%s", x);
        else
            snprintf(nat, sizeof nat, "0%s", x);
        x = nat;
    }
    size_t len = strlen(x);
    if (len == 10 && (strncmp(x, "400", 3) == 0 || strncmp(x, "800", 3) == 0))
        return grouped(x, (const int[]){3, 3, 4, 0}, out, n);
    if (len == 11 && x[0] == '1')
        return grouped(x, (const int[]){3, 4, 4, 0}, out, n);
    if (x[0] == '0' && len >= 10 && len <= 12) {
        /* 010 and 020-029 are three digits, every other area code four. */
        int area = (x[1] == '1' || x[1] == '2') ? 3 : 4;
        int rest = (int)len - area;
        if (rest == 8)
            return grouped(x, (const int[]){area, 4, 4, 0}, out, n);
        if (rest == 7)
            return grouped(x, (const int[]){area, 3, 4, 0}, out, n);
    }
    if (!intl && x[0] != '0' && len == 8)
        return grouped(x, (const int[]){4, 4, 0}, out, n);
    if (!intl && x[0] != '0' && len == 7)
        return grouped(x, (const int[]){3, 4, 0}, out, n);
    return as_written(s, out, n);
}
