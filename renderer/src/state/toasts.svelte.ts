/**
 * Short notices at the bottom of the window ("Deleted design X — Undo"). Each disappears after a while; one
 * with an action stays longer so it can be reached from the keyboard.
 */
export interface Toast {
  id: number;
  message: string;
  action?: { label: string; run: () => void | Promise<void> };
}

class Toasts {
  list = $state.raw<Toast[]>([]);
  private next = 1;

  show(message: string, action?: Toast['action'], seconds = action ? 12 : 5): number {
    const id = this.next++;
    this.list = [...this.list.slice(-3), { id, message, action }];
    setTimeout(() => this.dismiss(id), seconds * 1000);
    return id;
  }

  dismiss(id: number): void {
    this.list = this.list.filter((toast) => toast.id !== id);
  }
}

export const toasts = new Toasts();
