// The renderer may not import these packages (README "Dependency rules"). tsconfig.web.json maps
// `electron`, `better-sqlite3`, `drizzle-orm` and `socket.io-client` to this file and excludes
// it, so any import of them from the renderer fails the typecheck with TS6307 ("not listed
// within the file list"), which names the importing file. The renderer reaches the app only
// through window.parley (src/preload/api.d.ts).
export {};
