/**
 * Local files and folders from the browser's pickers and from drag and drop, as provider inputs.
 * A folder becomes its files with paths relative to the folder (the provider finds the store).
 */
import type { FolderEntry, SourceInput } from '../provider/index.js';

/** The input for files picked with `<input type="file" webkitdirectory>`. */
export function folderFromPicker(files: FileList): SourceInput | undefined {
  const entries: FolderEntry[] = [];
  let name: string | undefined;
  for (const file of Array.from(files)) {
    const relative = file.webkitRelativePath || file.name;
    const slash = relative.indexOf('/');
    name ??= slash < 0 ? relative : relative.slice(0, slash);
    entries.push({ path: slash < 0 ? relative : relative.slice(slash + 1), file });
  }
  return name === undefined ? undefined : { kind: 'folder', name, files: entries };
}

/**
 * The input for a drop: a folder (read through the entries API) or the first file. Must be called
 * in the drop handler itself: the browser forgets the dropped items when the handler returns.
 */
export function inputFromDrop(data: DataTransfer): Promise<SourceInput | undefined> {
  const item = Array.from(data.items).find((i) => i.kind === 'file');
  const entry = item?.webkitGetAsEntry?.() ?? null;
  if (entry !== null && entry.isDirectory) {
    return readFolder(entry as FileSystemDirectoryEntry).then((files) => ({
      kind: 'folder' as const,
      name: entry.name,
      files,
    }));
  }
  const file = data.files[0];
  return Promise.resolve(file === undefined ? undefined : { kind: 'file', file });
}

async function readFolder(root: FileSystemDirectoryEntry): Promise<FolderEntry[]> {
  const entries: FolderEntry[] = [];
  const walk = async (directory: FileSystemDirectoryEntry, prefix: string): Promise<void> => {
    const reader = directory.createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
        reader.readEntries(resolve, reject),
      );
      if (batch.length === 0) break;
      await Promise.all(
        batch.map(async (child) => {
          if (child.isDirectory) return walk(child as FileSystemDirectoryEntry, `${prefix}${child.name}/`);
          const file = await new Promise<File>((resolve, reject) =>
            (child as FileSystemFileEntry).file(resolve, reject),
          );
          entries.push({ path: `${prefix}${child.name}`, file });
        }),
      );
    }
  };
  await walk(root, '');
  return entries;
}
