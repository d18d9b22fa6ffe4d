/*
 * jsfpm/internal/empty: what a module mapped to false by its package's
 * "browser" field resolves to (workers/js_resolve.h), as bundlers do: a file
 * only Node.js needs, such as one that requires a Node.js built-in.
 */
