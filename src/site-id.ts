// What a site id may be, in a module of its own: the rules loader and the queue's keys check
// it without loading the service's settings (config.ts and its schema library), which the
// rules CLI's offline commands do not need.

/** What a site id (a site key's name) may contain: it becomes part of Redis keys, inside a hash tag. */
export const SITE_ID = /^[A-Za-z0-9._-]{1,64}$/
