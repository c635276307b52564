/* log: one line per event, text or JSON lines, written off the request path.
 *
 * Request threads format a line on their stack and append it to a shared
 * buffer under a short lock; a flusher thread writes the buffer to the file
 * descriptor in large chunks, so a slow terminal or pipe never stalls a
 * request. If the writer falls more than LOG_MAX_PENDING bytes behind, lines
 * are dropped and counted rather than blocking the server.
 *
 *     log_init(LOG_TEXT, LOG_INFO, STDERR_FILENO);
 *     log_msg(LOG_INFO, "listening on %s:%d", host, port);
 *     log_shutdown();                       // flushes everything
 */
#ifndef MW_LOG_H
#define MW_LOG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF } log_level;
typedef enum { LOG_TEXT, LOG_JSON } log_format;

#define LOG_MAX_PENDING (4u << 20)

/* What one served request leaves in the log. */
typedef struct log_access {
    const char *request_id;
    const char *method;
    const char *path;
    int status;
    double duration_ms;
    size_t bytes;
} log_access;

/* Parse "debug|info|warn|error|off" / "text|json"; false if unknown. */
bool log_parse_level(const char *s, log_level *out);
bool log_parse_format(const char *s, log_format *out);

/* Start the flusher thread writing to fd. Returns false if it cannot start;
 * logging then writes synchronously. Calling log_* before log_init writes
 * text at info level to stderr synchronously. */
bool log_init(log_format fmt, log_level lvl, int fd);
void log_shutdown(void);

/* Set the format and level without a flusher thread: lines are written
 * synchronously to stderr (a mock inside another program's tests). */
void log_configure(log_format fmt, log_level lvl);

bool log_enabled(log_level lvl);
void log_msg(log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_request(const log_access *a);

/* Lines dropped because the writer fell behind. */
size_t log_dropped(void);

#endif
