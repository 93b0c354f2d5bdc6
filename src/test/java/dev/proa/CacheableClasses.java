package dev.proa;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Copies proa's jar for the distribution, rewriting each class compiled for Java 5 or older (class file version below
 * 50: picocli's, which still targets Java 5) as a Java 8 class with stack maps, so that the AOT cache can hold it.
 * The JVM's AOT cache holds no such class: it loaded picocli's 169 classes from the jar on every run, each checked by
 * the old type-inferencing verifier (the README's Performance section has what that cost). Run by src/build/dist:
 * {@code CacheableClasses IN_JAR OUT_JAR}. Then it loads every rewritten class, so that a bad rewrite fails the build.
 *
 * <p>It also leaves out every method's local variable tables, which only a debugger reads (stack traces keep their
 * line numbers): 3 MiB of the distribution, in the jar and again in the AOT cache, which holds them with each method.
 *
 * <p>Its entries are stored, not deflated: an image layer is compressed as one stream, which finds what the jar's
 * 7,000 classes repeat among them (the API model's names, above all) and a jar deflating each class alone cannot:
 * the layer 41.7 → 38.6 MiB, the jar on disk 11 → 27 MiB; the start unchanged (measured: the README's Performance
 * section).
 *
 * <p>Written by hand because no tool does this step; ASM computes the stack maps (the JDK's own class-file API failed
 * on picocli's backward branches, JDK 25.0.3).
 */
public final class CacheableClasses {
    /** The first class file version whose classes the AOT cache holds (Java 6, which brought stack maps). */
    static final int CACHEABLE = 50;

    public static void main(String[] args) throws Exception {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        List<String> rewritten = rewrite(in, out);
        verify(out, rewritten);
        System.out.println("proa dist: rewrote " + rewritten.size() + " classes older than Java 6 as Java 8 classes");
    }

    private static List<String> rewrite(Path in, Path out) throws IOException {
        List<String> rewritten = new ArrayList<>();
        try (URLClassLoader classes = new URLClassLoader(new URL[] {in.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
                ZipInputStream jar = new ZipInputStream(Files.newInputStream(in));
                ZipOutputStream copy = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry entry; (entry = jar.getNextEntry()) != null; ) {
                byte[] bytes = jar.readAllBytes();
                if (entry.getName().endsWith(".class") && version(bytes) < CACHEABLE) {
                    bytes = asJava8(bytes, classes);
                    rewritten.add(entry.getName().replace('/', '.').substring(0, entry.getName().length() - 6));
                } else if (entry.getName().endsWith(".class")) {
                    bytes = withoutLocalVariables(bytes);
                }
                ZipEntry copied = stored(entry.getName(), bytes);
                copied.setTime(entry.getTime()); // the same bytes for the same jar: the build stays reproducible
                copy.putNextEntry(copied);
                copy.write(bytes);
                copy.closeEntry();
            }
        }
        return rewritten;
    }

    /** An entry for {@code bytes} as they are (a stored entry needs its size and checksum before its bytes). */
    private static ZipEntry stored(String name, byte[] bytes) {
        ZipEntry entry = new ZipEntry(name);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        entry.setCrc(crc.getValue());
        return entry;
    }

    /** The class file's major version (bytes 6 and 7, after the magic number and the minor version). */
    static int version(byte[] classFile) {
        return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }

    private static byte[] asJava8(byte[] classFile, ClassLoader classes) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return classes; // stack maps need the common superclass of picocli's own types
            }
        };
        new ClassReader(classFile).accept(new WithoutLocalVariables(writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, 0);
        return writer.toByteArray();
    }

    static byte[] withoutLocalVariables(byte[] classFile) {
        // A constant pool of its own, not the reader's copied: the variables' names and types leave it too.
        ClassWriter writer = new ClassWriter(0); // the stack maps are copied as they are
        new ClassReader(classFile).accept(new WithoutLocalVariables(writer), 0);
        return writer.toByteArray();
    }

    /** Passes a class through, less its methods' LocalVariableTable and LocalVariableTypeTable. */
    private static class WithoutLocalVariables extends ClassVisitor {
        WithoutLocalVariables(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                @Override
                public void visitLocalVariable(String name, String descriptor, String signature, Label start, Label end,
                        int index) {
                    // left out
                }
            };
        }
    }

    /**
     * Initializes each rewritten class, so that the JVM links it and verifies its new stack maps: a VerifyError here
     * stops the build instead of a run.
     */
    private static void verify(Path jar, List<String> rewritten) throws Exception {
        try (URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (String name : rewritten) {
                Class.forName(name, true, classes);
            }
        }
    }
}
