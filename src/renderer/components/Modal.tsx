/** A modal built on <dialog>, so focus trapping, Escape and the backdrop come from the browser. */
import { useEffect, useRef, type ReactNode } from 'react';

/** Props for a modal dialog. */
export interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
}

/** Opens as a modal when mounted; Escape or the close button calls onClose. */
export function Modal({ title, onClose, children }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    // The control that opened the dialog gets focus back when it closes; otherwise focus falls to <body> and a
    // keyboard user starts again from the top of the page.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (d && !d.open) d.showModal();
    return () => {
      d?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby="modal-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id="modal-title">{title}</h2>
      {children}
    </dialog>
  );
}
