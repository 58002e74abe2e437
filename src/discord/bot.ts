export async function runBot(_: unknown): Promise<void> { throw new Error('not yet'); }
