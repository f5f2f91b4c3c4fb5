// Routes that another part of the UI may provide (e.g. `#/sign-token`, signing with the person's
// own token): a screen registers its route here when it is built in, and the document page shows
// its link only then.
const routes = new Set<string>();

export function registerOptionalRoute(name: string): void { routes.add(name); }
export function hasOptionalRoute(name: string): boolean { return routes.has(name); }
