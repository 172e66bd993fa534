/** Keeps an imported model in a project file (`import-model --project`, `import`). */
import { resolve } from 'node:path';
import type { ModelConfig } from '../../engine/schema/model';
import { ProjectStore } from '../store/project-store';

export async function saveModelToProject(project: string, model: ModelConfig): Promise<void> {
  const store = await ProjectStore.open(resolve(project));
  try {
    await store.saveModel(model);
  } finally {
    await store.close();
  }
}
