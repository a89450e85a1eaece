#ifndef NABLA_CGRAPHVIZ_SHIM_H
#define NABLA_CGRAPHVIZ_SHIM_H
// Graphviz's layout and rendering library (Debian: libgraphviz-dev, pkg-config name "libgvc").
//
// Swift 6 refuses to touch mutable C globals such as `Agdirected`, and Graphviz's `char *`
// parameters and error callback are awkward from Swift, so the few calls Nabla needs are wrapped
// here in small functions with plain signatures.
#include <graphviz/gvc.h>
#include <graphviz/cgraph.h>

/// Parses DOT text into a graph, or returns NULL (the reason goes to the error handler).
static inline Agraph_t *nabla_gv_read(const char *dot) {
    return agmemread(dot);
}

/// Routes Graphviz's error and warning messages to `handler` instead of standard error.
static inline void nabla_gv_set_error_handler(int (*handler)(char *message)) {
    agseterrf(handler);
}

/// Lays out `graph` with the engine named `engine` ("dot"); 0 on success.
static inline int nabla_gv_layout(GVC_t *context, Agraph_t *graph, const char *engine) {
    return gvLayout(context, graph, engine);
}

/// Renders a laid-out graph into a new buffer; 0 on success. Free it with nabla_gv_free_data.
static inline int nabla_gv_render_data(GVC_t *context, Agraph_t *graph, const char *format,
                                       char **data, unsigned int *length) {
    return gvRenderData(context, graph, format, data, length);
}

/// Frees a buffer from nabla_gv_render_data.
static inline void nabla_gv_free_data(char *data) {
    gvFreeRenderData(data);
}
#endif
