/** The path of the Electron executable when it has been downloaded, else undefined. */
export function electronBinary(): string | undefined;
