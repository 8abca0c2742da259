/* curl_lazy.c - the libcurl functions the kiosk calls, loaded from libcurl.so.4 on first use.
 *
 * Why: linked at build time, libcurl and the thirty libraries it pulls in
 * (TLS, Kerberos, LDAP, SSH, HTTP/2, IDN, ...) were mapped and relocated at
 * every start, before the first frame, even by a kiosk that never goes
 * online: about a third of the dynamic loader's work. Programs link this
 * file instead of -lcurl (the Makefile); the first curl call of the process
 * opens the library. http.c and the tests use the ordinary libcurl API.
 *
 * Only the functions the project calls are here; a new one must be added
 * (the link fails until it is). If libcurl.so.4 cannot be opened, the
 * calls fail as libcurl reports failures: curl_global_init returns
 * CURLE_FAILED_INIT (http_create then says "libcurl cannot start"), the
 * constructors return NULL. Thread-safe: the library is opened once
 * (pthread_once). */
#define CURL_DISABLE_TYPECHECK   /* the names below are functions, not macros */
#include <curl/curl.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>

#define CURL_LAZY_LIB "libcurl.so.4"

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    void (*free)(void *);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
    CURLMcode (*multi_wakeup)(CURLM *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    CURLU *(*url)(void);
    void (*url_cleanup)(CURLU *);
    CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
    CURLUcode (*url_get)(CURLU *, CURLUPart, char **, unsigned int);
} fn;

static pthread_once_t curl_lazy_once = PTHREAD_ONCE_INIT;
static void *curl_lazy_lib;

/* Point p at the library's `name`; false if it has none. */
static int curl_lazy_sym(void *lib, const char *name, void *p)
{
    void *s = dlsym(lib, name);
    *(void **)p = s;
    return s != NULL;
}

static void curl_lazy_open(void)
{
    void *lib = dlopen(CURL_LAZY_LIB, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return;
    int ok = 1;
    ok &= curl_lazy_sym(lib, "curl_global_init", &fn.global_init);
    ok &= curl_lazy_sym(lib, "curl_easy_init", &fn.easy_init);
    ok &= curl_lazy_sym(lib, "curl_easy_cleanup", &fn.easy_cleanup);
    ok &= curl_lazy_sym(lib, "curl_easy_reset", &fn.easy_reset);
    ok &= curl_lazy_sym(lib, "curl_easy_perform", &fn.easy_perform);
    ok &= curl_lazy_sym(lib, "curl_easy_setopt", &fn.easy_setopt);
    ok &= curl_lazy_sym(lib, "curl_easy_getinfo", &fn.easy_getinfo);
    ok &= curl_lazy_sym(lib, "curl_easy_strerror", &fn.easy_strerror);
    ok &= curl_lazy_sym(lib, "curl_slist_append", &fn.slist_append);
    ok &= curl_lazy_sym(lib, "curl_slist_free_all", &fn.slist_free_all);
    ok &= curl_lazy_sym(lib, "curl_free", &fn.free);
    ok &= curl_lazy_sym(lib, "curl_multi_init", &fn.multi_init);
    ok &= curl_lazy_sym(lib, "curl_multi_cleanup", &fn.multi_cleanup);
    ok &= curl_lazy_sym(lib, "curl_multi_add_handle", &fn.multi_add_handle);
    ok &= curl_lazy_sym(lib, "curl_multi_remove_handle", &fn.multi_remove_handle);
    ok &= curl_lazy_sym(lib, "curl_multi_perform", &fn.multi_perform);
    ok &= curl_lazy_sym(lib, "curl_multi_poll", &fn.multi_poll);
    ok &= curl_lazy_sym(lib, "curl_multi_wakeup", &fn.multi_wakeup);
    ok &= curl_lazy_sym(lib, "curl_multi_info_read", &fn.multi_info_read);
    ok &= curl_lazy_sym(lib, "curl_url", &fn.url);
    ok &= curl_lazy_sym(lib, "curl_url_cleanup", &fn.url_cleanup);
    ok &= curl_lazy_sym(lib, "curl_url_set", &fn.url_set);
    ok &= curl_lazy_sym(lib, "curl_url_get", &fn.url_get);
    if (ok)
        curl_lazy_lib = lib;          /* kept open until exit */
    else
        dlclose(lib);
}

/* Whether libcurl is loaded (loading it on the first call). */
static int curl_lazy(void)
{
    pthread_once(&curl_lazy_once, curl_lazy_open);
    return curl_lazy_lib != NULL;
}

CURLcode curl_global_init(long flags)
{
    return curl_lazy() ? fn.global_init(flags) : CURLE_FAILED_INIT;
}

CURL *curl_easy_init(void)
{
    return curl_lazy() ? fn.easy_init() : NULL;
}

void curl_easy_cleanup(CURL *curl)
{
    if (curl && curl_lazy())
        fn.easy_cleanup(curl);
}

void curl_easy_reset(CURL *curl)
{
    if (curl && curl_lazy())
        fn.easy_reset(curl);
}

CURLcode curl_easy_perform(CURL *curl)
{
    return curl_lazy() ? fn.easy_perform(curl) : CURLE_FAILED_INIT;
}

/* The value's C type follows from the option's number (curl.h,
 * CURLOPTTYPE_*): long, a data or function pointer, or curl_off_t. */
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
    if (!curl_lazy())
        return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, option);
    CURLcode rc;
    if (option < CURLOPTTYPE_OBJECTPOINT)
        rc = fn.easy_setopt(curl, option, va_arg(ap, long));
    else if (option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB)
        rc = fn.easy_setopt(curl, option, va_arg(ap, curl_off_t));
    else   /* object, function or blob pointer */
        rc = fn.easy_setopt(curl, option, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

/* Every CURLINFO_* takes a pointer to where the value goes. */
CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
    if (!curl_lazy())
        return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, info);
    CURLcode rc = fn.easy_getinfo(curl, info, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

const char *curl_easy_strerror(CURLcode code)
{
    return curl_lazy() ? fn.easy_strerror(code) : CURL_LAZY_LIB " could not be loaded";
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *s)
{
    return curl_lazy() ? fn.slist_append(list, s) : NULL;
}

void curl_slist_free_all(struct curl_slist *list)
{
    if (list && curl_lazy())
        fn.slist_free_all(list);
}

void curl_free(void *p)
{
    if (p && curl_lazy())
        fn.free(p);
}

CURLM *curl_multi_init(void)
{
    return curl_lazy() ? fn.multi_init() : NULL;
}

CURLMcode curl_multi_cleanup(CURLM *m)
{
    return curl_lazy() ? fn.multi_cleanup(m) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_add_handle(CURLM *m, CURL *curl)
{
    return curl_lazy() ? fn.multi_add_handle(m, curl) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_remove_handle(CURLM *m, CURL *curl)
{
    return curl_lazy() ? fn.multi_remove_handle(m, curl) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_perform(CURLM *m, int *running)
{
    return curl_lazy() ? fn.multi_perform(m, running) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_poll(CURLM *m, struct curl_waitfd extra_fds[], unsigned int extra_nfds,
                          int timeout_ms, int *ret)
{
    return curl_lazy() ? fn.multi_poll(m, extra_fds, extra_nfds, timeout_ms, ret)
                       : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_wakeup(CURLM *m)
{
    return curl_lazy() ? fn.multi_wakeup(m) : CURLM_BAD_HANDLE;
}

CURLMsg *curl_multi_info_read(CURLM *m, int *msgs_in_queue)
{
    return curl_lazy() ? fn.multi_info_read(m, msgs_in_queue) : NULL;
}

CURLU *curl_url(void)
{
    return curl_lazy() ? fn.url() : NULL;
}

void curl_url_cleanup(CURLU *u)
{
    if (u && curl_lazy())
        fn.url_cleanup(u);
}

CURLUcode curl_url_set(CURLU *u, CURLUPart what, const char *part, unsigned int flags)
{
    return curl_lazy() ? fn.url_set(u, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

CURLUcode curl_url_get(CURLU *u, CURLUPart what, char **part, unsigned int flags)
{
    return curl_lazy() ? fn.url_get(u, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}
